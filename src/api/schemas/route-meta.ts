/** Route documentation fields read by the OpenAPI generator (fastify itself ignores them). */
declare module 'fastify' {
  interface FastifySchema {
    tags?: string[];
    summary?: string;
    description?: string;
    /** Leave the route out of the published API description. */
    hide?: boolean;
  }
}

export {};
