import { NotFoundException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** OpenAI's and Anthropic's inference routes, which clients pointed at the registry may call. */
const INFERENCE_PATH =
  /^\/v1(beta)?\/(chat\/completions|completions|embeddings|responses|messages|complete|moderations|images|audio|rerank|batches)(\/|$)/;
/** Gemini calls a model method: POST /v1beta/models/<id>:generateContent. Ids may hold ":" too, so GET stays a lookup. */
const GEMINI_METHOD =
  /^\/v1(beta)?\/models\/.+:(generateContent|streamGenerateContent|countTokens|embedContent|batchEmbedContents|predict|predictLongRunning)$/;

/** Whether refuseInference refuses this method and (routed) path. */
export function isInferenceCall(method: string, path: string): boolean {
  const gemini = method !== 'GET' && method !== 'HEAD' && GEMINI_METHOD.test(path);
  return gemini || INFERENCE_PATH.test(path);
}

/**
 * A 404 that says why: SDKs configured with the registry's URL as their base URL send their
 * inference calls here too. Runs before body parsing, so any body (or none) gets this answer,
 * in the client family's error shape (GatewayErrorFormatter).
 */
export function refuseInference(request: Request, _response: Response, next: NextFunction): void {
  if (!isInferenceCall(request.method, request.path)) return next();
  next(
    new NotFoundException(
      `${request.method} ${request.path} is not served here: this registry serves model lists only ` +
        '(GET /v1/models, /v1beta/models), not inference; send inference requests to the model provider or gateway',
    ),
  );
}
