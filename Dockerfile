# One multi-stage Dockerfile for every service: docker build --build-arg MODULE=gateway .
# Stage 1 builds the module's Spring Boot jar with the Maven Wrapper; stage 2 runs it from its
# extracted layers (dependencies change rarely, application code often: small image updates).
FROM eclipse-temurin:25-jdk AS build
ARG MODULE
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY contracts contracts
COPY kafka-broker kafka-broker
COPY shared-kernels shared-kernels
COPY trainer trainer
COPY kernel-benchmarks kernel-benchmarks
COPY classifier classifier
COPY path-serving path-serving
COPY fast-path fast-path
COPY reasoning-path reasoning-path
COPY gateway gateway
COPY report report
COPY e2e e2e
RUN --mount=type=cache,target=/root/.m2 \
    test -n "$MODULE" || (echo "set --build-arg MODULE=<classifier|fast-path|reasoning-path|gateway>" && exit 1); \
    ./mvnw -B -q -DskipTests -pl "$MODULE" -am package \
 && java -Djarmode=tools -jar "$MODULE/target/$MODULE.jar" extract --layers --launcher --destination /app

FROM eclipse-temurin:25-jre
ARG MODULE
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 rr \
 && mkdir -p /var/lib/rr/models && chown rr /var/lib/rr/models
WORKDIR /app
COPY --from=build /app/dependencies/ ./
COPY --from=build /app/spring-boot-loader/ ./
COPY --from=build /app/snapshot-dependencies/ ./
COPY --from=build /app/application/ ./
# the project's trained model (model/README.md), the path services' default (RR_MODEL_PATH in docker-compose.yml)
COPY model/ /opt/rr/model/
USER rr
ENV RR_SERVICE=${MODULE} \
    JAVA_TOOL_OPTIONS="--enable-preview --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:MaxRAMPercentage=75"
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
