# The mailops image: Node 24 slim, the package from its npm tarball, rsync for
# backup-rsync, a non-root user, mailops as the entrypoint.
#   npm pack                                     # builds, writes mailops-<version>.tgz
#   docker build --build-arg TARBALL=mailops-0.1.0.tgz -t mailops:0.1.0 .
FROM node:24-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends rsync sqlite3 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ARG TARBALL
COPY ${TARBALL} /tmp/mailops.tgz
RUN npm install --global --omit=dev --no-audit --no-fund /tmp/mailops.tgz \
 && rm /tmp/mailops.tgz \
 && npm cache clean --force
# A fixed numeric id, so Kubernetes can check runAsNonRoot without looking the name up.
RUN useradd --uid 10001 --user-group --create-home --shell /usr/sbin/nologin mailops
USER 10001:10001
WORKDIR /home/mailops
ENTRYPOINT ["mailops"]
CMD ["--help"]
