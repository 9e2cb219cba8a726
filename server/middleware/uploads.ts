// Multipart forms (file uploads): one parser per form with stated limits, run before the CSRF check so the token
// travels in the body (never in the URL, where logs, history and Referer headers keep it), and one way to refuse
// what the limits catch: a field-keyed error the route shows on its own page, with everything else typed kept.
import { Router, type Request } from 'express';
import multer from 'multer';
import { AppError, type FieldErrors } from '../errors';
import { withParams } from './forms';

export interface UploadFormSpec {
  /** The route's path, as Express writes it (`/manage/vacancies/:id/scores`). */
  path: string;
  /** The file input's name. */
  file: string;
  maxBytes: number;
  /** How many text fields the form has, with room for the CSRF token. */
  fields: number;
}

export interface UploadForm extends UploadFormSpec {
  parser: ReturnType<typeof multer>;
}

export interface UploadRefusal {
  status: 400 | 413;
  errors: FieldErrors;
}

export function uploadForm(spec: UploadFormSpec): UploadForm {
  return {
    ...spec,
    // defParamCharset: Chinese file names arrive as UTF-8, not Latin-1.
    parser: multer({
      storage: multer.memoryStorage(),
      defParamCharset: 'utf8',
      limits: { fileSize: spec.maxBytes, files: 1, fields: spec.fields, fieldSize: 64 * 1024 },
    }),
  };
}

/** "5 MB", "1 MB", "512 KB": how a limit is stated on the page. */
export function sizeLabel(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${Math.round(bytes / 1024)} KB`;
}

/** What the user is told for each way a multipart body can fail; everything unknown is a broken upload. */
export function refusalFor(err: unknown, form: UploadFormSpec): UploadRefusal {
  const code = (err as { code?: unknown } | null)?.code;
  const fail = (status: 400 | 413, field: string, key: string): UploadRefusal => ({ status, errors: { [field]: key } });
  switch (code) {
    case 'LIMIT_FILE_SIZE':
      return fail(413, form.file, withParams('uploads.errors.tooLarge', { size: sizeLabel(form.maxBytes) }));
    case 'LIMIT_FIELD_VALUE':
      return fail(413, form.file, 'uploads.errors.fieldTooLarge');
    case 'LIMIT_FILE_COUNT':
      return fail(400, form.file, 'uploads.errors.tooManyFiles');
    case 'LIMIT_UNEXPECTED_FILE':
      return fail(400, form.file, 'uploads.errors.unexpectedField');
    case 'LIMIT_FIELD_COUNT':
    case 'LIMIT_PART_COUNT':
    case 'LIMIT_FIELD_KEY':
    case 'MISSING_FIELD_NAME':
      return fail(400, form.file, 'uploads.errors.tooManyFields');
    default:
      // busboy: "Unexpected end of form", "Malformed part header", a missing boundary; a connection cut short.
      return fail(400, form.file, 'uploads.errors.incomplete');
  }
}

const refusals = new WeakMap<Request, UploadRefusal>();

/** Why the multipart body of this request was refused, if it was: the route shows it on the form's own page. */
export function uploadRefusal(req: Request): UploadRefusal | undefined {
  return refusals.get(req);
}

/**
 * Parses the multipart body of each upload form before the CSRF check, for signed-in users only (every upload needs
 * an account, and nobody else's bytes are buffered). A multipart request to any other path keeps no body, so the
 * CSRF check refuses it: a route that does not expect a file cannot be posted to without a token.
 */
export function multipartGate(forms: UploadForm[]): Router {
  const gate = Router();
  for (const form of forms) {
    gate.post(form.path, (req, res, next) => {
      if (!req.user || !req.is('multipart/form-data')) return next();
      form.parser.single(form.file)(req, res, (err: unknown) => {
        if (!err) return next();
        const refusal = refusalFor(err, form);
        req.log.info({ code: (err as { code?: unknown }).code, path: form.path }, 'upload refused');
        // Cut short before its token: no page of the user's can be shown, only the localised error page.
        const body = req.body as Record<string, unknown> | undefined;
        if (typeof body?._csrf !== 'string') {
          return next(new AppError(refusal.status, Object.values(refusal.errors)[0] ?? 'uploads.errors.incomplete'));
        }
        refusals.set(req, refusal);
        next();
      });
    });
  }
  return gate;
}
