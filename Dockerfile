# grectl in a container: the CLI is the entrypoint (`docker compose run --rm grectl verify`).
# Dependencies are exactly requirements.lock (hash-checked) installed by scripts/install-python.sh,
# the same script tests/unit/test_install.py runs into a temporary venv. Runs as an unprivileged
# user; state (history, backups, the change lock) in /var/lib/grectl, the inventory mounted read-only.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
COPY pyproject.toml README.md requirements.lock ./
COPY scripts/install-python.sh scripts/
COPY controller/ controller/
COPY tasks/ tasks/
COPY napalm_linux_frr/ napalm_linux_frr/
COPY napalm_grectl_cli/ napalm_grectl_cli/
COPY napalm_ios_grectl/ napalm_ios_grectl/
COPY napalm_iosxe_netconf/ napalm_iosxe_netconf/
COPY napalm_vrp_grectl/ napalm_vrp_grectl/
COPY napalm_comware_grectl/ napalm_comware_grectl/
COPY napalm_vyos_grectl/ napalm_vyos_grectl/
# a wheel, so the image holds no build tree and nothing of the checkout but the package
RUN python -m pip wheel --no-cache-dir --no-deps -w /wheels . \
 && PIP_NO_CACHE_DIR=1 bash scripts/install-python.sh /opt/grectl requirements.lock /wheels/grectl-*.whl

FROM ${PYTHON_IMAGE}
# openssh-client: ssh-keygen/ssh-keyscan to check and record host keys;
# libyang2-tools: yanglint, for `grectl validate --yang`
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssh-client libyang2-tools \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/grectl --create-home \
            --shell /usr/sbin/nologin grectl \
 && chmod 0750 /var/lib/grectl
COPY --from=build /opt/grectl /opt/grectl
ENV PATH=/opt/grectl/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    GRECTL_INVENTORY=/etc/grectl/inventory \
    GRECTL_STATE_DIR=/var/lib/grectl
USER grectl:grectl
WORKDIR /var/lib/grectl
VOLUME ["/var/lib/grectl"]
ENTRYPOINT ["grectl"]
CMD ["--help"]
