import { join } from 'node:path';
import ts from 'typescript';
import type { KubeObject } from './kustomize.js';

/**
 * The module of kubernetes-models declaring a kind: `batch/v1` CronJob is
 * kubernetes-models/batch/v1/CronJob, the core group's `v1` ConfigMap kubernetes-models/v1/ConfigMap.
 */
const modelPath = (o: KubeObject) => `kubernetes-models/${o.apiVersion}/${o.kind}`;

type Model = new (data: unknown) => { validate(): void };

/** Where the checked source would be: its imports resolve from the repository's node_modules. */
const VIRTUAL = join(import.meta.dirname, '__kube-objects__.ts');

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
};

/** "spec.jobTemplate.spec.template.spec.containers[0].imagePullPolicyy": the literal's path down to node. */
function pathOf(node: ts.Node): string {
  const names: string[] = [];
  for (let at: ts.Node = node; !ts.isVariableDeclaration(at) && !ts.isSourceFile(at); at = at.parent) {
    if (ts.isPropertyAssignment(at)) names.unshift(`.${(at.name as ts.StringLiteral).text}`);
    if (ts.isArrayLiteralExpression(at.parent))
      names.unshift(`[${at.parent.elements.indexOf(at as ts.Expression)}]`);
  }
  return names.join('').replace(/^\./, '');
}

function innermost(node: ts.Node, position: number): ts.Node {
  const child = node.forEachChild((c) => (c.getStart() <= position && position < c.getEnd() ? c : undefined));
  return child ? innermost(child, position) : node;
}

/**
 * Every object checked against its type in kubernetes-models (generated from Kubernetes' OpenAPI
 * schemas) by the TypeScript compiler: a field the type does not declare, at any depth, is an
 * excess property there, as are a value of the wrong type, a value outside an enum and a missing
 * required field. The schemas' own validate() is strict about none of the first, and is run too,
 * for what types cannot say (formats such as int32). One line per problem: the object, the path, why.
 */
export async function strictIssues(objects: readonly KubeObject[]): Promise<string[]> {
  const source = objects
    .map(
      (o, i) =>
        `import type { I${o.kind} as T${i} } from '${modelPath(o)}';\nexport const o${i}: T${i} = ${JSON.stringify(o, null, 1)};`,
    )
    .join('\n');
  const host = ts.createCompilerHost(OPTIONS);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (file, ...rest) =>
    file === VIRTUAL ? ts.createSourceFile(file, source, rest[0], true) : read(file, ...rest);
  const exists = host.fileExists.bind(host);
  host.fileExists = (file) => file === VIRTUAL || exists(file);
  const program = ts.createProgram([VIRTUAL], OPTIONS, host);
  const file = program.getSourceFile(VIRTUAL)!;
  const issues = ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (d.file !== file || d.start === undefined) return `${d.file?.fileName ?? 'typescript'}: ${message}`;
    const node = innermost(file, d.start);
    let statement = node;
    while (statement.parent !== file) statement = statement.parent;
    // Two statements an object: the import of its type, then the object.
    const object = objects[Math.floor(file.statements.indexOf(statement as ts.Statement) / 2)]!;
    const path = ts.isVariableStatement(statement) ? `${pathOf(node)}: ` : '';
    return `${object.kind}/${object.metadata.name}: ${path}${message}`;
  });
  for (const object of objects) {
    // A kind kubernetes-models does not know is already an issue: its module was not found.
    const module = (await import(modelPath(object)).catch(() => ({}))) as Record<string, Model | undefined>;
    try {
      const Model = module[object.kind];
      if (Model) new Model(object).validate();
    } catch (error) {
      issues.push(`${object.kind}/${object.metadata.name}: ${(error as Error).message}`);
    }
  }
  return issues;
}
