import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogFormat, LogLevel } from '../config/app-config';

export type AppLogger = Logger;

/** Fields a request line carries; the readable format prints them after the message, not below it. */
const LINE_FIELDS = ['context', 'reqId', 'method', 'path', 'status', 'ms', 'caller', 'apiKey'];

const text = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);

function readableLine(log: Record<string, unknown>, messageKey: string): string {
  const context = typeof log.context === 'string' ? `[${log.context}] ` : '';
  const parts = [`${context}${text(log[messageKey] ?? '')}`];
  if (log.ms !== undefined) parts.push(`${text(log.ms)}ms`);
  if (log.reqId !== undefined) parts.push(`req=${text(log.reqId)}`);
  if (log.caller) parts.push(`caller=${text(log.caller)}`);
  if (log.apiKey) parts.push(`key=${text(log.apiKey)}`);
  return parts.join(' ');
}

/**
 * The one logger of the process: JSON lines (one object a line) or readable lines, to stdout by
 * default. Writes are synchronous so the lines before a process.exit are not lost.
 */
export function createLogger(
  options: { logFormat: LogFormat; logLevel: LogLevel },
  destination: NodeJS.WritableStream = process.stdout,
): AppLogger {
  const base = { level: options.logLevel, base: undefined };
  if (options.logFormat === 'json') {
    return pino({ ...base, timestamp: pino.stdTimeFunctions.isoTime }, destination as DestinationStream);
  }
  const stream = pretty({
    destination,
    sync: true,
    colorize: (destination as { isTTY?: boolean }).isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: ['pid', 'hostname', ...LINE_FIELDS].join(','),
    messageFormat: readableLine,
  });
  return pino(base, stream);
}

/**
 * Nest framework lines whose log level is demoted to debug: the module-by-module and
 * route-by-route lines of every start, which bury the one start line a person needs.
 */
const START_NOISE = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/** Routes Nest's own logging (and every `new Logger(context)`) into the process logger. */
export class NestLogger implements LoggerService {
  constructor(private readonly logger: AppLogger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /** Nest passes (message, ...details, context): the context is the last string, a stack may precede it. */
  private write(level: Level, message: unknown, rest: unknown[]): void {
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? String(rest.pop()) : undefined;
    const effective = level === 'info' && context && START_NOISE.has(context) ? 'debug' : level;
    const stack = typeof rest[0] === 'string' ? rest[0] : undefined;
    if (message instanceof Error) {
      this.logger[effective]({ context, err: message }, message.message);
    } else {
      this.logger[effective]({ context, stack }, typeof message === 'string' ? message : JSON.stringify(message));
    }
  }
}
