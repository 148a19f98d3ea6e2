import { basename, join } from "node:path";
import ts from "typescript";

/**
 * Type-checks small source files that exist only in memory, as if they sat in `dir`, with the
 * compiler options of `dir`'s package (its tsconfig.json, so `@upkit/server` resolves to the
 * sources as in the other type tests), and gives each file's diagnostics as the text tsc prints
 * (every level of a message, joined by newlines). For tests of what an error message says, which
 * `@ts-expect-error` cannot check.
 */
export function compileSnippets(
  dir: string,
  snippets: Record<string, string>,
): Record<string, string[]> {
  const configPath = ts.findConfigFile(dir, ts.sys.fileExists);
  if (!configPath) throw new Error(`no tsconfig.json above ${dir}`);
  const config = ts.getParsedCommandLineOfConfigFile(configPath, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    },
  });
  if (!config) throw new Error(`cannot read ${configPath}`);
  const files = new Map(Object.entries(snippets).map(([name, text]) => [join(dir, name), text]));
  const host = ts.createCompilerHost(config.options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (path) => files.has(path) || fileExists.call(host, path);
  host.readFile = (path) => files.get(path) ?? readFile.call(host, path);
  host.getSourceFile = (path, language, ...rest) => {
    const text = files.get(path);
    return text === undefined
      ? getSourceFile.call(host, path, language, ...rest)
      : ts.createSourceFile(path, text, language, true);
  };
  const program = ts.createProgram([...files.keys()], config.options, host);
  const result: Record<string, string[]> = {};
  for (const [path] of files) {
    const source = program.getSourceFile(path);
    const diagnostics = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ];
    result[basename(path)] = diagnostics.map((diagnostic) => {
      const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
      const line =
        source && diagnostic.start !== undefined
          ? source.getLineAndCharacterOfPosition(diagnostic.start).line + 1
          : 0;
      return `${line}: ${text}`;
    });
  }
  return result;
}
