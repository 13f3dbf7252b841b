// Validates Kubernetes objects against the Kubernetes API's OpenAPI schemas (kubernetes-models, an
// ES module, hence a script of its own that the jest specs run). Reads a JSON array of objects on
// stdin; prints a JSON array of problems, one per object that is invalid or of an unknown kind.
import { text } from 'node:stream/consumers';

const objects = JSON.parse(await text(process.stdin));
const problems = [];
for (const object of objects) {
  const where = `${object?.kind ?? '?'}/${object?.metadata?.name ?? '?'}`;
  let models;
  try {
    models = await import(`kubernetes-models/${object.apiVersion}`);
  } catch {
    problems.push(`${where}: no schema for apiVersion ${object.apiVersion}`);
    continue;
  }
  const Model = models[object.kind];
  if (typeof Model !== 'function') {
    problems.push(`${where}: ${object.apiVersion} has no kind ${object.kind}`);
    continue;
  }
  try {
    new Model(object).validate();
  } catch (e) {
    problems.push(`${where}: ${e.message}`);
  }
}
process.stdout.write(JSON.stringify(problems));
