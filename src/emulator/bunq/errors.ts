/** An error answered in bunq's shape: `{"Error":[{"error_description":…,"error_description_translated":…}]}`. */
export class BunqHttpError extends Error {
  constructor(
    readonly status: number,
    description: string,
  ) {
    super(description);
  }

  toBody() {
    return { Error: [{ error_description: this.message, error_description_translated: this.message }] };
  }
}

export const insufficientAuthorisation = () => new BunqHttpError(401, "Insufficient authorisation.");
export const notFound = (what = "object") =>
  new BunqHttpError(404, `The requested ${what} could not be found.`);
export const badRequest = (description: string) => new BunqHttpError(400, description);
