/**
 * Process entry for a service: start from the environment, exit 1 naming each bad config key
 * before listening, and stop gracefully on SIGTERM/SIGINT (a second signal, one second or more
 * after the first, exits at once; see stop-signals.ts; a hard timer exits if draining overruns
 * the deadline).
 */
import { type CommonConfig, ConfigError } from './config.ts';
import { onStopSignals } from './stop-signals.ts';
import {
  type ModelHandle,
  type StartOptions,
  startWebServer,
  stopWebServer,
  type WebServer,
  type WebServiceDefinition,
} from './web-server.ts';

export async function runServiceMain<C extends CommonConfig, M extends ModelHandle>(
  definition: WebServiceDefinition<C, M>,
  options: StartOptions<C> = {},
): Promise<WebServer<C, M>> {
  let web: WebServer<C, M>;
  try {
    web = await startWebServer(definition, options);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${definition.service.name}: ${error.message}\n`);
    } else {
      process.stderr.write(
        `${definition.service.name}: failed to start: ${(error as Error).stack ?? error}\n`,
      );
    }
    process.exit(1);
  }
  installShutdownHandlers(web);
  return web;
}

export function installShutdownHandlers<C extends CommonConfig, M extends ModelHandle>(
  web: WebServer<C, M>,
): void {
  const first = () => {
    const deadline = web.context.config.shutdownDeadlineMs;
    const hardStop = setTimeout(() => {
      web.context.log.error({ deadline }, 'shutdown deadline passed: exiting');
      process.exit(1);
    }, deadline + 1_000);
    hardStop.unref();
    void stopWebServer(web, { deadlineMs: deadline }).then(
      ({ drained }) => process.exit(drained ? 0 : 1),
      () => process.exit(1),
    );
  };
  onStopSignals({
    first,
    again: (signal) => {
      web.context.log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    },
  });
}
