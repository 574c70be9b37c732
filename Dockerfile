# Rollcall: API, SCIM and the admin SPA on one port. PostgreSQL comes from DATABASE_URL.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json turbo.json tsconfig.json ./
COPY api/package.json api/
COPY web/package.json web/
COPY schema/package.json schema/
COPY tests/package.json tests/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx turbo run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/api/package.json api/
COPY --from=build /app/web/package.json web/
COPY --from=build /app/schema/package.json schema/
COPY --from=build /app/tests/package.json tests/
RUN npm ci --omit=dev --no-audit --no-fund -w @rollcall/api --include-workspace-root=false
COPY --from=build /app/api/dist api/dist
COPY --from=build /app/web/dist web/dist
USER node
EXPOSE 4000
HEALTHCHECK CMD node -e "fetch('http://127.0.0.1:4000/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--max-semi-space-size=32", "api/dist/main.js"]
