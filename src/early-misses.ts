import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request } from 'express';
import type { Caller } from './access/caller';
import { RawJson } from './common/raw-json';
import { RequestValidationPipe } from './common/validation';
import { clientFamilyOf } from './gateway/client-family';
import { GatewayService } from './gateway/gateway.service';
import { ListModelsQueryDto } from './models/dto/list-models-query.dto';
import { VALIDATION_SHORTCUTS } from './models/dto/list-query-fast-check';
import { ModelListService } from './models/model-list.service';

/** Builds a route's answer from the request as the lane reads it; rejects for anything but a 200. */
export type MissBuilder = (request: Request, caller: Caller) => Promise<unknown>;

/**
 * The list routes whose misses the lane ahead of Express builds itself (early-answers.setup.ts), by
 * the name revalidation-routes.ts gives each route: the calls their controller methods make, with
 * the arguments Nest would pass (the query through the global validation pipe, the client family
 * from the headers). Any rejection (a bad parameter, the database unreachable) hands the request to
 * Express and Nest, which answer it as they always do; nothing here writes an error.
 * Byte for byte the answers of Nest's route: test/early-answers.e2e.spec.ts.
 */
export function missBuilders(app: NestExpressApplication): ReadonlyMap<string, MissBuilder> {
  const lists = app.get(ModelListService, { strict: false });
  const gateway = app.get(GatewayService, { strict: false });
  // The global pipe as app.setup.ts makes it (its fast path for a plain list query included): the same DTO, or the same refusal.
  const pipe = new RequestValidationPipe(VALIDATION_SHORTCUTS);
  // Async: a bad filter is thrown as the list starts, and must come back as a rejection.
  const gatewayList: MissBuilder = async (request, caller) =>
    gateway.list(clientFamilyOf(request), caller, request.query);
  return new Map<string, MissBuilder>([
    [
      'ModelsController.list',
      async (request, caller) =>
        lists.list(
          caller,
          (await pipe.transform(request.query, { type: 'query', metatype: ListModelsQueryDto })) as ListModelsQueryDto,
        ),
    ],
    ['GatewayController.list', gatewayList],
    ['GatewayController.geminiList', gatewayList],
  ]);
}

/** The bytes the revalidation interceptor sends for a built answer: RawJson as it is, else its JSON. */
export function answerBytes(built: unknown): Buffer | undefined {
  if (built instanceof RawJson) return built.bytes;
  const text = JSON.stringify(built) as string | undefined;
  return text === undefined ? undefined : Buffer.from(text, 'utf8');
}
