import type { Plugin } from 'graphql-yoga';

/**
 * graphql-js quotes the offending value in variable-coercion and literal-validation messages
 * (`Variable "$input" got invalid value { token: "…" }`, `Expected value of type "Boolean!",
 * found "…"`). Those values can be secrets, and Yoga passes such errors through unmasked, so the
 * message is rewritten to keep where and why, never what.
 */
export function scrubValueEcho(message: string): string {
  let text = message;
  const variable = /^(Variable "\$[^"]+") got invalid value /.exec(text);
  if (variable) {
    const semi = text.lastIndexOf('; ');
    const at = text.lastIndexOf(' at "', semi === -1 ? undefined : semi);
    const where = at > variable[0].length - 1 && (semi === -1 || at < semi) ? text.slice(at, semi === -1 ? undefined : semi) : '';
    const reason = semi === -1 ? '' : `; ${text.slice(semi + 2)}`;
    text = `${variable[1]} got an invalid value${where}${reason}`;
  }
  return (
    text
      // Syntax errors name the token they tripped on, quoting its text.
      .replace(/\b(String|BlockString|Int|Float|Name) "(?:[^"\\]|\\.)*"/g, '$1')
      .replace(/(cannot represent [^:;]*?): [\s\S]*$/, '$1.')
      .replace(/(Expected value of type "[^"]+"), found [\s\S]*$/, '$1.')
      .replace(/(Enum "[^"]+" cannot represent non-enum value): [\s\S]*$/, '$1.')
      // An enum value the caller sent: a variable's value can be any string, a secret pasted in the wrong field included.
      .replace(/\bValue "[\s\S]*" (does not exist in "[^"]+" enum)/, 'The value sent $1')
  );
}

function scrubErrors<E extends Error>(errors: readonly E[]): E[] {
  // Rewritten in place: the error keeps its class and locations, whichever copy of graphql made it.
  for (const error of errors) error.message = scrubValueEcho(error.message);
  return [...errors];
}

export function noValueEchoPlugin(): Plugin {
  return {
    onParse:
      () =>
      ({ result }) => {
        if (result instanceof Error) result.message = scrubValueEcho(result.message);
      },
    onValidate:
      () =>
      ({ result, setResult }) => {
        if (result.length > 0) setResult(scrubErrors(result));
      },
    onExecute: () => ({
      onExecuteDone: ({ result, setResult }) => {
        if (Symbol.asyncIterator in result || !result.errors?.length) return undefined;
        setResult({ ...result, errors: scrubErrors(result.errors) });
        return undefined;
      },
    }),
    // A subscription's variables are coerced when it starts: a bad value is refused in this result, not in onExecuteDone's.
    onSubscribe: () => ({
      onSubscribeResult: ({ result, setResult }) => {
        if (Symbol.asyncIterator in result || !result.errors?.length) return;
        setResult({ ...result, errors: scrubErrors(result.errors) });
      },
    }),
  };
}
