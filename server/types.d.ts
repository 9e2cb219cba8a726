import type { Actor } from './services/actor';
import type { Translate, Locale } from './i18n';

declare global {
  namespace Express {
    // What passport puts on req.user after deserializing the session's { id, v }.
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends Actor {}
    interface Request {
      locale: Locale;
      t: Translate;
      flash(kind: 'success' | 'info' | 'error', key: string, params?: Record<string, unknown>): void;
    }
    interface Locals {
      t: Translate;
      locale: Locale;
      csrfTokenFor?: () => string;
    }
  }
}

declare module 'multer' {
  interface Options {
    /** Charset of multipart parameters such as file names (multer ≥ 2.1; not yet in @types/multer 2.0). */
    defParamCharset?: string;
  }
}

declare module 'express-session' {
  interface SessionData {
    flash?: { kind: string; key: string; params?: Record<string, unknown> }[];
    csrfToken?: string;
    /** Between the password and the second factor: whose sign-in this is, and until when it may be finished. */
    twoFactor?: { id: string; v: number; returnTo?: string; until: number };
  }
}

export {};
