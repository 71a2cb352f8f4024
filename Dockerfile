# The DBackup operator image: `docker build -t ghcr.io/dbackup/dbackup-operator:0.1.0 .`
# Build stage: the .NET SDK publishes the dbackup executable (framework-dependent, on the ASP.NET Core runtime,
# since the operator serves /healthz, /readyz and /metrics with Kestrel).
# tests/DBackup.Operator.Tests/Packaging/DockerfileTests runs the same COPY and RUN lines of this stage.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY .editorconfig Directory.Build.props Directory.Packages.props ./
COPY src/DBackup.Pipeline/DBackup.Pipeline.csproj src/DBackup.Pipeline/
COPY src/DBackup.DevCluster/DBackup.DevCluster.csproj src/DBackup.DevCluster/
COPY src/DBackup.Operator/DBackup.Operator.csproj src/DBackup.Operator/
RUN dotnet restore src/DBackup.Operator/DBackup.Operator.csproj
COPY config/crd/ config/crd/
COPY src/ src/
# ReadyToRun (set in the csproj) compiles for the SDK's RID, which is the image's platform: no -r, so an arm64
# build (docker buildx --platform linux/arm64) gets arm64 code. Framework-dependent: the runtime image has ASP.NET Core.
RUN dotnet publish src/DBackup.Operator/DBackup.Operator.csproj --no-restore -c Release --self-contained false -o /app

# Runtime stage: the ASP.NET Core runtime, as the non-root user "app" (uid 1654) the image provides.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app /app
# Read-only root filesystem friendly: nothing is written outside the data dir (/var/lib/dbackup, a volume) and /tmp.
ENV PATH="/app:${PATH}" \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    DOTNET_gcServerMode=0
# The data dir for a plain `docker run`; in Kubernetes a volume is mounted here.
RUN mkdir -p /var/lib/dbackup && chown 1654:1654 /var/lib/dbackup
USER 1654:1654
EXPOSE 8080
VOLUME ["/var/lib/dbackup"]
ENTRYPOINT ["dbackup", "operator"]
