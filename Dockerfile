# syntax=docker/dockerfile:1
# The Sluice broker image: docker build -t sluice . ; docker run -p 9092:9092 -p 9644:9644 sluice
# Configuration from SLUICE_* environment variables (docs/docker.md).

# --- build: the jars, with Maven, inside the image build (no host toolchain needed) ---
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/var/cache/maven \
    mvn -B -ntp -Dmaven.repo.local=/var/cache/maven -DskipTests package
# The runtime layout mirrors a built checkout, so bin/sluice and the entry point find the jars
# where they look for them in a working tree: <module>/target/*.jar and <module>/target/lib.
RUN set -eu; mkdir -p /dist; \
    for pom in */pom.xml; do \
      module=${pom%/pom.xml}; \
      [ -d "$module/target" ] || continue; \
      mkdir -p "/dist/$module/target"; \
      find "$module/target" -maxdepth 1 -name '*.jar' ! -name '*-tests.jar' ! -name '*-sources.jar' \
        -exec cp {} "/dist/$module/target/" \; ; \
      if [ -d "$module/target/lib" ]; then cp -r "$module/target/lib" "/dist/$module/target/"; fi; \
      if [ -d "$module/src/main/dist" ]; then mkdir -p "/dist/$module/src/main" && cp -r "$module/src/main/dist" "/dist/$module/src/main/"; fi; \
    done; \
    cp -r bin config docker /dist/

# --- runtime: a JRE, a non-root user, data in a volume ---
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 1001 sluice \
 && useradd --system --uid 1001 --gid sluice --home-dir /opt/sluice --shell /usr/sbin/nologin sluice \
 && mkdir -p /var/lib/sluice/data \
 && chown -R sluice:sluice /var/lib/sluice
COPY --from=build /dist /opt/sluice
ENV SLUICE_HOME=/opt/sluice \
    PATH=/opt/sluice/bin:$PATH \
    SLUICE_LOG_DIRS=/var/lib/sluice/data \
    SLUICE_LISTENERS=PLAINTEXT://0.0.0.0:9092 \
    SLUICE_METRICS_PORT=9644
WORKDIR /opt/sluice
USER sluice
VOLUME ["/var/lib/sluice"]
# 9092: Kafka protocol; 9644: /metrics, /health, /ready.
EXPOSE 9092 9644
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/opt/sluice/docker/sluice-entrypoint.sh", "health"]
ENTRYPOINT ["/opt/sluice/docker/sluice-entrypoint.sh"]
CMD ["run"]
