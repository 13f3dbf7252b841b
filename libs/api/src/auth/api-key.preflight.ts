import type { IncomingMessage, ServerResponse } from 'node:http';
import { PROBLEM_CONTENT_TYPE, ProblemException } from '../problem/problem-details';
import type { ApiKeyVerifier } from './api-key-verifier';
import { authenticate, type AuthenticatedRequest } from './api-key.guard';

const API_PATH = /^\/v1(\/|\?|$)/;

type Next = (error?: unknown) => void;

/**
 * Express middleware, installed before the body parser: every `/v1` request shows a valid key
 * before a byte of its body is read or parsed, so an anonymous client cannot make the server
 * parse a 45 MB body (finding 7). Refused requests get the guard's 401 problem and the connection
 * is closed rather than drained. The guard still checks the route's role once a route is chosen.
 */
export function apiKeyPreflight(verifier: ApiKeyVerifier) {
  return (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: Next): void => {
    const url = req.originalUrl ?? req.url ?? '';
    if (!API_PATH.test(url)) return next();
    authenticate(verifier, req.headers.authorization).then(
      (principal) => {
        (req as AuthenticatedRequest).principal = principal;
        next();
      },
      (e: unknown) => {
        if (!(e instanceof ProblemException)) return next(e);
        const q = url.indexOf('?');
        const body = JSON.stringify({ ...e.problem, instance: q < 0 ? url : url.slice(0, q) });
        res.statusCode = e.problem.status;
        for (const [name, value] of Object.entries(e.headers)) res.setHeader(name, value);
        res.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
        // The body is never read: close instead of draining it.
        if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) res.setHeader('Connection', 'close');
        res.end(body);
      },
    );
  };
}
