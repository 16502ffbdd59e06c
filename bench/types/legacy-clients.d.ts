/**
 * The few members of the two legacy Iamport clients that the client benchmark uses. Neither package
 * ships types; these follow their source (node_modules/iamport/lib, node_modules/iamporter/lib).
 */
declare module 'iamport' {
  interface IamportOptions {
    impKey?: string;
    impSecret?: string;
  }
  class Iamport {
    /** Read by the constructor: where every resource of a new instance sends its requests. */
    static DEFAULT_HOST: string;
    constructor(options?: IamportOptions);
    payment: {
      getByImpUid(params: { imp_uid: string }): Promise<{ imp_uid: string; amount: number; status: string }>;
    };
  }
  export default Iamport;
}

declare module 'iamporter' {
  interface IamporterOptions {
    apiKey?: string;
    secret?: string;
    /** Base URL of the REST API. @default 'https://api.iamport.kr' */
    host?: string;
  }
  interface IamporterResult<T> {
    status: number;
    message: string | null;
    data: T;
    raw: unknown;
  }
  export class Iamporter {
    constructor(options?: IamporterOptions);
    findByImpUid(
      impUid: string,
    ): Promise<IamporterResult<{ imp_uid: string; amount: number; status: string }>>;
  }
  export class IamporterError extends Error {}
}
