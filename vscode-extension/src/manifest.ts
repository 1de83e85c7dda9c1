// Text facts about manifests, free of the vscode API so that unit tests run them under plain node.

/** A `---` line that starts a YAML document, as the language server cuts sections (Section.isSeparator). */
export function isSeparator(line: string): boolean {
  return line.startsWith('---') && (line.length === 3 || /\s/.test(line.charAt(3)));
}

/**
 * The 0-based index of the YAML document that holds `line`, counted as the language server counts them: each
 * `---` line after the first line opens the next document (a `---` on the first line opens none).
 */
export function documentIndexAt(text: string, line: number): number {
  const lines = text.split('\n');
  let index = 0;
  for (let i = 1; i <= Math.min(line, lines.length - 1); i++) {
    if (isSeparator(lines[i])) {
      index++;
    }
  }
  return index;
}

/** The first line of each document: where document `index` starts (the `---` line that opens it). */
export function documentStartLine(text: string, index: number): number {
  const lines = text.split('\n');
  let seen = 0;
  for (let i = 1; i < lines.length && seen < index; i++) {
    if (isSeparator(lines[i])) {
      seen++;
      if (seen === index) {
        return i;
      }
    }
  }
  return 0;
}

const API_VERSION = /^(?:---\s+)?["']?apiVersion["']?\s*:/m;
const KIND = /^(?:---\s+)?["']?kind["']?\s*:/m;

/** A Kubernetes manifest: a YAML file with top-level `apiVersion:` and `kind:` keys (in any of its documents). */
export function isManifest(text: string): boolean {
  return API_VERSION.test(text) && KIND.test(text);
}
