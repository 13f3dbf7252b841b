# The all-in-one platform image (Node 24 LTS). Built by docker-compose.yml and the Helm chart.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json ./
COPY tools/build ./tools/build
COPY apps ./apps
COPY libs ./libs
RUN node tools/build/build.mjs && npm prune --omit=dev

FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 8080
CMD ["node", "--enable-source-maps", "dist/apps/stafett/src/main.js"]
