/**
 * The one error type services throw. `code` is a stable machine-readable code that is also the
 * translation key suffix (`errors.<code>`); `status` is the HTTP status it maps to.
 */
export class AppError extends Error {
  constructor(
    public readonly code: string,
    public readonly status: number = 400,
    public readonly details: {
      fieldErrors?: Record<string, string>;
      params?: Record<string, string | number>;
      /** Anything else the page needs to explain the refusal (e.g. both values of a conflict). */
      data?: unknown;
    } = {},
  ) {
    super(code);
    this.name = "AppError";
  }
}

export const notFound = () => new AppError("not_found", 404);
export const forbidden = (code = "forbidden") => new AppError(code, 403);
