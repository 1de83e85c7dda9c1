// Two schemas for one manifest: many users have Microsoft's Kubernetes extension, which feeds its Kubernetes schema
// to Red Hat's YAML extension, so that with Coxswain every completion, hover and problem shows twice. Free of the
// vscode API, so that unit tests run it under plain node; extension.ts does the asking and the registering.
//
// What the sources say (read, not guessed):
// - vscode-kubernetes-tools (ms-kubernetes-tools.vscode-kubernetes-tools, src/yaml-support/yaml-schema.ts) calls
//   vscode-yaml's API `registerContributor('kubernetes', requestSchema, requestSchemaContent)` on activation, with no
//   setting to turn it off (its package.json has none; only a per-file comment `# vscode-kubernetes-tools: exclude`).
// - vscode-yaml (redhat.vscode-yaml, src/schema-extension-api.ts) asks every contributor in `requestCustomSchema`, but
//   a contributor registered with a `label` that matches the open document's text answers alone: its schema replaces
//   all the others for that file. yaml-language-server takes a contributor's answer before the settings `yaml.schemas`
//   (whose `kubernetes` key maps files to its own Kubernetes schema) and `yaml.disableSchemaDetection`
//   (yamlSchemaService.getSchemaIdsForResource), so no setting of vscode-yaml's takes the Kubernetes tools' schema off
//   a file; `yaml.validate`, `yaml.completion` and `yaml.hover` turn vscode-yaml off for every YAML file.
// So, once the user agrees, Coxswain registers its own contributor with a label that matches manifests (a top-level
// `kind:`) and answers them an empty schema: vscode-yaml keeps its syntax checks, outline and formatting there, and
// its schemas for every other YAML file (workflows, compose files...).

export const VSCODE_YAML = 'redhat.vscode-yaml';
export const KUBERNETES_TOOLS = 'ms-kubernetes-tools.vscode-kubernetes-tools';

/** The contributor's name, which vscode-yaml takes as the scheme of its schema URIs (requestCustomSchemaContent). */
export const CONTRIBUTOR = 'coxswain';
export const EMPTY_SCHEMA_URI = `${CONTRIBUTOR}://schema/manifest-served-by-coxswain`;
export const EMPTY_SCHEMA = JSON.stringify({ title: 'Served by Coxswain', description: 'Coxswain\'s language server answers for Kubernetes manifests.' });

/**
 * The label: vscode-yaml rewrites a label that has a colon as `key:[\t ]+value` (registerContributor), so this one
 * writes its colon as \x3a and stays a plain regular expression: a line that starts with `kind:` and a value.
 */
export const MANIFEST_LABEL = '(^|\\n)kind\\x3a[\\t ]*\\S';

/** The answer remembered in globalState: asked once, never again whatever it was. */
export const ANSWER_KEY = 'coxswain.duplicateSchemas.answer';
export type Answer = 'turnedOff' | 'kept';

export interface YamlSettings {
  validate?: unknown;
  completion?: unknown;
  hover?: unknown;
  schemas?: unknown;
}

export interface Situation {
  installed: (id: string) => boolean;
  yaml: YamlSettings;
  answer: Answer | undefined;
}

/**
 * What feeds vscode-yaml a Kubernetes schema for manifests: the Kubernetes extension's contributor, and the
 * `kubernetes` key of `yaml.schemas`. Empty when vscode-yaml is absent or shows none of it (validate, completion and
 * hover all off).
 */
export function kubernetesSchemaSources(s: Pick<Situation, 'installed' | 'yaml'>): string[] {
  if (!s.installed(VSCODE_YAML)) {
    return [];
  }
  if (s.yaml.validate === false && s.yaml.completion === false && s.yaml.hover === false) {
    return [];
  }
  const sources: string[] = [];
  if (s.installed(KUBERNETES_TOOLS)) {
    sources.push('the Kubernetes extension (ms-kubernetes-tools.vscode-kubernetes-tools)');
  }
  const schemas = s.yaml.schemas;
  if (schemas && typeof schemas === 'object' && Object.prototype.hasOwnProperty.call(schemas, 'kubernetes')) {
    sources.push('the "kubernetes" entry of the setting yaml.schemas');
  }
  return sources;
}

/** Whether to ask: there are duplicates and the user was never asked. */
export function shouldOffer(s: Situation): boolean {
  return s.answer === undefined && kubernetesSchemaSources(s).length > 0;
}

/** Whether Coxswain's contributor should be registered: the user said so, and vscode-yaml is there to take it. */
export function shouldSuppress(s: Situation): boolean {
  return s.answer === 'turnedOff' && s.installed(VSCODE_YAML);
}

/** The question, naming where the duplicates come from. */
export function offerMessage(sources: string[]): string {
  return `Coxswain: Kubernetes manifests also get a schema from ${sources.join(' and ')} through Red Hat's YAML `
    + 'extension, so every completion, hover and problem shows twice. Turn that schema off for the manifests Coxswain '
    + 'serves? The YAML extension keeps serving every other YAML file.';
}

/** What vscode-yaml's requestCustomSchema does with a labelled contributor, for the unit tests to check ours against. */
export function labelMatches(label: string, text: string): boolean {
  let pattern = label;
  const [first, second] = label.split(':');
  if (first && second) {
    pattern = `${first}:[\t ]+${second.trim().replaceAll('.', '\\.')}`;
  }
  return new RegExp(pattern, 'g').test(text);
}
