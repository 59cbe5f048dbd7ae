# syntax=docker/dockerfile:1
# otc tool server: a static binary on a distroless base, running as non-root.
#   docker build -t otc .
#   docker run -p 8080:8080 -e OTC_API_KEYS=... -e OTC_JWT_SECRETS=... otc

FROM golang:1.27.3-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOTOOLCHAIN=local
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -trimpath -ldflags="-s -w" -o /out/otc ./cmd/otc

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/otc /otc
# Call records (journal store) and generated credentials live here; mount a
# volume, or use --store redis://... when running several instances.
VOLUME /var/lib/otc
ENV OTC_DATA_DIR=/var/lib/otc
USER nonroot:nonroot
EXPOSE 8080
# TLS is expected to end at a proxy or ingress in front (hence --insecure-http
# for API keys); give --tls-cert/--tls-key to serve HTTPS directly.
ENTRYPOINT ["/otc", "serve"]
CMD ["--addr", "0.0.0.0:8080", "--log-format", "json", "--insecure-http"]
