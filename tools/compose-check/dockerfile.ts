import { posix } from 'node:path';

/** Just enough Dockerfile parsing for tools/compose-check: no heredocs, no escape directive. */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  readonly index: number;
  readonly name: string | undefined;
  /** Image or earlier stage name after FROM. */
  readonly base: string;
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  /** ARGs before the first FROM. */
  readonly globalArgs: readonly string[];
  readonly stages: readonly Stage[];
}

/** One instruction per entry: comment lines dropped, `\` continuations joined. */
export function parseInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let buffer = '';
  let start = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    // Docker skips comment and empty lines inside a continuation too.
    if (!line || line.startsWith('#')) return;
    if (!buffer) start = i + 1;
    if (line.endsWith('\\')) {
      buffer += `${line.slice(0, -1)} `;
      return;
    }
    buffer += line;
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(buffer) ?? [];
    out.push({ keyword: keyword.toUpperCase(), args: args.trim(), line: start });
    buffer = '';
  });
  return out;
}

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs: string[] = [];
  const stages: { index: number; name: string | undefined; base: string; instructions: Instruction[] }[] = [];
  for (const instruction of parseInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      const { rest } = splitFlags(instruction.args);
      const asAt = rest.findIndex((t) => t.toUpperCase() === 'AS');
      stages.push({ index: stages.length, base: rest[0], name: asAt > 0 ? rest[asAt + 1] : undefined, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') globalArgs.push(argName(instruction.args));
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

/** `--from=build --chown=x a b` → flags {from: 'build', chown: 'x'}, rest ['a', 'b']. */
export function splitFlags(args: string): { flags: Record<string, string>; rest: string[] } {
  const flags: Record<string, string> = {};
  const tokens = args.split(/\s+/).filter(Boolean);
  while (tokens[0]?.startsWith('--')) {
    const [key, value = ''] = tokens.shift()!.slice(2).split('=', 2);
    flags[key] = value;
  }
  return { flags, rest: tokens };
}

/** `APP`, `APP=default` → `APP`. */
export function argName(args: string): string {
  return args.split('=')[0].trim();
}

/** The stage a FROM or COPY --from refers to, by name or index, if it is one of `stages`. */
export function findStage(stages: readonly Stage[], ref: string): Stage | undefined {
  return stages.find((s) => s.name === ref || String(s.index) === ref);
}

/** WORKDIR in force after the first `upTo` instructions of `stage` (all of them by default). */
export function workdirOf(file: Dockerfile, stage: Stage, upTo = stage.instructions.length): string {
  const parent = findStage(file.stages.slice(0, stage.index), stage.base);
  let dir = parent ? workdirOf(file, parent) : '/';
  for (const { keyword, args } of stage.instructions.slice(0, upTo)) {
    if (keyword === 'WORKDIR') dir = posix.resolve(dir, args);
  }
  return dir;
}
