FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY web ./web
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# The malloc tunables of `npm start` (package.json): glibc reads them as node starts (docs/running.md, Memory).
ENV MALLOC_ARENA_MAX=2 MALLOC_TRIM_THRESHOLD_=131072
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The JWT secret is kept here when JWT_SECRET is unset; the volume inherits this ownership.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 8080
# The V8 flags of `npm start` (package.json; README, Performance: peak memory).
CMD ["node", "--max-semi-space-size=2", "--heap-growing-percent=50", "dist/main.js"]
