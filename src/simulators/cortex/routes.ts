import type { SimRequest, SimResponse, SimulatorServer } from '../base.js';
import { PAGERDUTY_PATH } from './contract.js';
import { errorResponse, notConfigured, ok, renderConfiguration } from './render.js';
import type { CortexState, StoredConfiguration } from './state.js';

/** The five PagerDuty operations of CONTRACT.md, "Endpoints". */
export function registerCortexRoutes(server: SimulatorServer, state: CortexState): void {
  /** The wire configuration, with the contract break a test asked for, if any. */
  const render = (configuration: StoredConfiguration) => renderConfiguration(configuration, state.contractBreak);

  server.route('GET', `${PAGERDUTY_PATH}/default-configuration`, () => (state.configuration ? ok(render(state.configuration)) : notConfigured()));

  server.route('POST', `${PAGERDUTY_PATH}/configuration`, (request) => {
    const parsed = parseConfigurationRequest(request);
    if ('response' in parsed) return parsed.response;
    // Unknown (CONTRACT.md): what POST does when a configuration exists. PagerDuty allows only one
    // per workspace, so "add" refuses with the ErrorResponse CONFLICT type rather than overwrite.
    if (state.configuration) return errorResponse(409, 'CONFLICT', 'A PagerDuty configuration already exists; replace it instead.');
    state.configuration = parsed.configuration;
    return ok({ configurations: [render(parsed.configuration)] });
  });

  server.route('PUT', `${PAGERDUTY_PATH}/configuration`, (request) => {
    const parsed = parseConfigurationRequest(request);
    if ('response' in parsed) return parsed.response;
    // PUT declares no 404: replacing when nothing is configured stores the configuration.
    state.configuration = parsed.configuration;
    return ok({ configurations: [render(parsed.configuration)] });
  });

  server.route('POST', `${PAGERDUTY_PATH}/configuration/validate`, () => {
    if (!state.configuration) return notConfigured();
    return ok({ configurations: [validateToken(state.configuration.token)] });
  });

  server.route('DELETE', `${PAGERDUTY_PATH}/configurations`, () => {
    // Unknown (CONTRACT.md): whether DELETE answers with the removed or the remaining
    // configurations. The documented example lists one, so the removed one is returned; with
    // nothing to delete the answer is the same 404 the other routes give.
    const removed = state.configuration;
    if (!removed) return notConfigured();
    state.configuration = null;
    return ok({ configurations: [render(removed)] });
  });
}

/**
 * What Cortex learns by calling PagerDuty with the token. Here a token containing "invalid"
 * stands for one PagerDuty refuses. Unknown (CONTRACT.md): what `alias` holds for PagerDuty,
 * which has no aliases; it is left out, as optional members are when null.
 */
function validateToken(token: string): Record<string, unknown> {
  if (/invalid/i.test(token)) {
    return { isValid: false, message: 'PagerDuty rejected the API token: 401 Unauthorized. Check that the key exists and has not been revoked.' };
  }
  return { isValid: true };
}

type ParsedRequest = { readonly configuration: StoredConfiguration } | { readonly response: SimResponse };

/** `PagerdutyConfigurationRequest`: `token` and `isTokenReadonly` are both required. */
function parseConfigurationRequest(request: SimRequest): ParsedRequest {
  const body = request.body;
  if (request.bodyInvalid || typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { response: errorResponse(400, 'BAD_REQUEST', 'Malformed JSON request body.') };
  }
  const members = new Map(Object.entries(body));
  const token = members.get('token');
  const isTokenReadonly = members.get('isTokenReadonly');
  if (typeof token !== 'string' || typeof isTokenReadonly !== 'boolean') {
    const wrong = [typeof token === 'string' ? null : 'token', typeof isTokenReadonly === 'boolean' ? null : 'isTokenReadonly'].filter(Boolean);
    return { response: errorResponse(400, 'BAD_REQUEST', `Invalid request body: ${wrong.join(', ')} must be present with the right type.`) };
  }
  if (token.trim() === '') return { response: errorResponse(400, 'ILLEGAL_ARGUMENT_ERROR', 'token must not be blank.') };
  return { configuration: { token, isTokenReadonly } };
}
