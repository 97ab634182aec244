# syntax=docker/dockerfile:1
# One image, two roles: `node dist/server.js` (default) or `node dist/worker.js` (docker-compose.yml
# runs both). Stage 1 builds the server (tsc) and the console bundle (esbuild) with the dev tools;
# stage 2 holds only production dependencies, the compiled code and the console assets, runs as the
# unprivileged `node` user and answers its own health check.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=8080 RMDX_DATA_DIR=/var/lib/rmdx
WORKDIR /app
RUN mkdir -p /var/lib/rmdx && chown node:node /var/lib/rmdx
COPY --from=build /app/node_modules ./node_modules
# dist/ holds the compiled server and, in dist/console/static, the console bundle it serves.
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY migrations ./migrations
COPY schemas ./schemas
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "dist/server.js"]
