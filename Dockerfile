# syntax=docker/dockerfile:1
# ChatAgent: build with the .NET 10 SDK, run on the ASP.NET Core 10 runtime as a non-root user.
#   docker build -t chatagent .
#   docker run -p 5000:5000 chatagent            (embedded default: in-memory storage, offline planner)
# With PostgreSQL, Slack, Teams and a model: see docker-compose.yml and .env.example.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so a code change does not re-download packages.
COPY global.json Directory.Build.props Directory.Packages.props ChatAgent.slnx ./
COPY src/ChatAgent.Core/ChatAgent.Core.csproj src/ChatAgent.Core/
COPY src/ChatAgent.Jobs/ChatAgent.Jobs.csproj src/ChatAgent.Jobs/
COPY src/ChatAgent.Bot/ChatAgent.Bot.csproj src/ChatAgent.Bot/
RUN dotnet restore src/ChatAgent.Bot/ChatAgent.Bot.csproj
COPY src/ src/
RUN dotnet publish src/ChatAgent.Bot -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The agents (YAML, prompts, tool scripts) and the workflows that compose them ship with the image; mount your own
# folders over /app/agents and /app/workflows to change them.
COPY agents/ ./agents/
COPY workflows/ ./workflows/
RUN chmod +x ./agents/scripts/*.sh \
 && mkdir -p /var/lib/chatagent \
 && chown -R app:app /var/lib/chatagent
ENV Urls=http://+:5000 \
    Agents__Path=/app/agents \
    Workflows__Path=/app/workflows \
    Agents__DataDir=/var/lib/chatagent \
    DOTNET_NOLOGO=1
# The image's built-in non-root user (uid 1654).
USER app
EXPOSE 5000
VOLUME ["/var/lib/chatagent"]
# No curl in the runtime image: bash's /dev/tcp asks /healthz for its status line.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/5000 && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "ChatAgent.Bot.dll"]
