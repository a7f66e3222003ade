/**
 * The one error type services throw. `code` is a stable machine-readable code that is also the
 * translation key suffix (`errors.<code>`); `status` is the HTTP status it maps to.
 */
export class AppError extends Error {
  /**
   * Remix treats a thrown object of this shape like `throw data({ code }, { status })`: a loader that
   * lets an AppError through answers with its status, and the error page shows its translated code.
   * Actions turn it into a form reply instead (handleForm).
   */
  readonly type = "DataWithResponseInit";
  get data() {
    return { code: this.code };
  }
  get init() {
    return { status: this.status };
  }

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
