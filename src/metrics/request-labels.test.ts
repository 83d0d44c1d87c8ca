import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { requestFormat, routeLabel } from "./request-labels.js";

describe("request labels", () => {
  const live = "/bank.v1.BankService/Live";
  const formats: [string, string | undefined, string, string][] = [
    [live, "application/proto", "", "connect-proto"],
    [live, "application/json; charset=utf-8", "", "connect-json"],
    ["/bank.v1.BankService/StreamClients", "application/connect+proto", "", "connect-proto"],
    ["/bank.v1.BankService/StreamClients", "application/connect+json", "", "connect-json"],
    [live, "application/grpc", "", "grpc"],
    [live, "application/grpc+proto", "", "grpc"],
    [live, "application/grpc-web+proto", "", "grpc-web"],
    [live, "application/grpc-web-text", "", "grpc-web"],
    ["/bank.v1.BankService/ListClients", undefined, "encoding=json&message=%7B%7D", "connect-json"],
    ["/bank.v1.BankService/ListClients", undefined, "encoding=proto&message=", "connect-proto"],
    ["/v1/clients", undefined, "count=1", "rest-json"],
    ["/.well-known/live", undefined, "", "rest-json"],
    ["/metrics", undefined, "", "other"],
    [live, "text/plain", "", "other"],
  ];
  for (const [path, contentType, query, expected] of formats) {
    it(`${path} with ${contentType ?? "no content type"} ${query} is ${expected}`, () => {
      assert.equal(requestFormat(path, contentType, query), expected);
    });
  }

  it("labels known routes and folds everything else into other", () => {
    assert.equal(routeLabel(live), live);
    assert.equal(
      routeLabel("/bank.v1.BankService/ListClients"),
      "/bank.v1.BankService/ListClients",
    );
    assert.equal(routeLabel("/grpc.health.v1.Health/Check"), "/grpc.health.v1.Health/Check");
    assert.equal(routeLabel("/v1/clients"), "/v1/clients");
    assert.equal(routeLabel("/metrics"), "/metrics");
    assert.equal(routeLabel("/bank.v1.BankService/Nope"), "other");
    assert.equal(routeLabel(`/${"x".repeat(10_000)}`), "other");
  });
});
