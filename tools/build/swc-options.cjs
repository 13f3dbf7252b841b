// One place that turns tsconfig.base.json into swc options, shared by the build and by jest:
// swc rewrites the path aliases (@stafett/<lib>) to relative requires, so they are declared once,
// in tsconfig.base.json, and need no runtime resolver.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');

function readPaths() {
  const tsconfig = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
  return tsconfig.compilerOptions.paths ?? {};
}

/** swc options for CommonJS output with Nest/TypeORM decorator metadata. */
function swcOptions({ rewritePaths }) {
  return {
    sourceMaps: true,
    module: { type: 'commonjs', strictMode: true },
    jsc: {
      target: 'es2023',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
      ...(rewritePaths ? { baseUrl: root, paths: readPaths() } : {}),
    },
  };
}

module.exports = { root, swcOptions };
