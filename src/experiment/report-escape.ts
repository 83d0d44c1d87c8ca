const htmlEntities: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML and SVG element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => htmlEntities[c] ?? c);
}

/**
 * Escapes text for one cell of a Markdown table: pipes and backslashes are
 * backslash-escaped, line breaks become spaces, and `<`, `>` and `&` become
 * entities so that a renderer which allows inline HTML shows them as text.
 */
export function escapeMarkdownCell(text: string): string {
  return text
    .replace(/[\r\n]+/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\|`*_[\]]/g, (c) => `\\${c}`);
}
