import { type DescMethod, fromJson, type JsonValue, type MessageShape } from "@bufbuild/protobuf";

/**
 * Reads request data already parsed from JSON (an object, or an array of
 * objects sent round robin) as messages of the method's input type, with the
 * proto3 JSON mapping. A bad item throws an error that starts with `label`
 * and names the item and the field.
 */
export function messagesFromJson(
  method: DescMethod,
  data: unknown,
  label: string,
): Array<MessageShape<DescMethod["input"]>> {
  const items = Array.isArray(data) ? data : [data];
  return items.map((item, i) => {
    try {
      return fromJson(method.input, item as JsonValue);
    } catch (error) {
      const where = Array.isArray(data) ? ` (item ${i})` : "";
      throw new Error(
        `${label}${where} does not fit ${method.input.typeName}: ${(error as Error).message}`,
      );
    }
  });
}
