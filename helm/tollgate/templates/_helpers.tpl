{{/*
Names and labels.
*/}}
{{- define "tollgate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tollgate.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "tollgate.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tollgate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tollgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "tollgate.labels" -}}
helm.sh/chart: {{ include "tollgate.chart" . }}
{{ include "tollgate.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tollgate
{{- end }}

{{- define "tollgate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tollgate.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "tollgate.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
Fixed paths inside the container.
*/}}
{{- define "tollgate.socketDir" -}}/run/tollgate{{- end }}
{{- define "tollgate.socketPath" -}}/run/tollgate/tollgate.sock{{- end }}
{{- define "tollgate.secretsDir" -}}/etc/tollgate/secrets{{- end }}
{{- define "tollgate.tlsDir" -}}/etc/tollgate/tls{{- end }}
{{- define "tollgate.templatesDir" -}}/etc/tollgate/templates{{- end }}
{{- define "tollgate.configDir" -}}/etc/tollgate/config{{- end }}
{{- define "tollgate.configName" -}}{{ printf "%s-config" (include "tollgate.fullname" .) | trunc 63 | trimSuffix "-" }}{{- end }}
{{- define "tollgate.dataDir" -}}/var/lib/tollgate{{- end }}

{{/* Is a transport in use by either channel? (args: list ctx "kind") */}}
{{- define "tollgate.uses" -}}
{{- $ctx := index . 0 }}{{- $kind := index . 1 }}
{{- if or (eq $ctx.Values.email.transport $kind) (eq $ctx.Values.sms.transport $kind) }}true{{ end }}
{{- end }}

{{/*
Standalone mode opens a TCP port to the cluster network: refuse to render it
without mutual TLS unless the values say insecurePlaintext: true.
*/}}
{{- define "tollgate.checkTransport" -}}
{{- if and (eq .Values.mode "standalone") (not .Values.insecurePlaintext) }}
{{- if not (and .Values.tls.enabled .Values.tls.existingSecret .Values.tls.clientCA.existingSecret) }}
{{- fail (printf "standalone mode listens on 0.0.0.0:%d for the whole cluster network and needs mutual TLS: set tls.enabled=true, tls.existingSecret (a kubernetes.io/tls Secret) and tls.clientCA.existingSecret (the CA of your clients' certificates). Without it, anyone who reaches the port could call tollgate. If a service mesh provides mTLS, or clients authenticate with API keys over TLS, set insecurePlaintext=true to render anyway." (int .Values.grpc.port)) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The TOML file named by TOLLGATE_CONFIG: only `callers` (the server refuses
unknown keys). Strings and string arrays go through toJson: a JSON string or
array of strings is also a valid TOML one, escapes included.
*/}}
{{- define "tollgate.configToml" -}}
# Rendered by the tollgate chart from the `callers` value.
{{- range .Values.callers }}

[[callers]]
name = {{ toJson .name }}
{{- if hasKey . "uid" }}
uid = {{ int64 .uid }}
{{- end }}
{{- if hasKey . "gid" }}
gid = {{ int64 .gid }}
{{- end }}
{{- if hasKey . "certificate" }}
certificate = {{ toJson .certificate }}
{{- end }}
permissions = {{ toJson .permissions }}
tenants = {{ toJson .tenants }}
{{- end }}
{{- end }}

{{- define "tollgate.smtpPasswordOn" -}}
{{- if and (eq .Values.email.transport "smtp") .Values.smtp.username }}true{{ end }}
{{- end }}

{{/*
Environment shared by `serve` and `migrate`: the database URL. The URL is
read from an existing Secret; it never appears in values or in the pod spec.
*/}}
{{- define "tollgate.databaseEnv" -}}
{{- if .Values.database.existingSecret }}
- name: TOLLGATE_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.database.existingSecret }}
      key: {{ .Values.database.key }}
{{- else if .Values.database.sqlite.existingClaim }}
- name: TOLLGATE_DATABASE_URL
  value: {{ printf "sqlite://%s/tollgate.db" (include "tollgate.dataDir" .) | quote }}
{{- end }}
{{- end }}

{{/*
The `serve` environment. Every secret arrives as a file (the *_FILE options).
*/}}
{{- define "tollgate.serveEnv" -}}
{{- $standalone := eq .Values.mode "standalone" -}}
{{ include "tollgate.databaseEnv" . | trim }}
- name: TOLLGATE_SOCKET
  value: {{ include "tollgate.socketPath" . | quote }}
- name: TOLLGATE_LISTEN
{{- if $standalone }}
  value: {{ printf "0.0.0.0:%d" (int .Values.grpc.port) | quote }}
{{- else if .Values.sidecar.tcp }}
  value: {{ printf "127.0.0.1:%d" (int .Values.grpc.port) | quote }}
{{- else }}
  value: "off"
{{- end }}
{{- if .Values.callers }}
- name: TOLLGATE_CONFIG
  value: {{ printf "%s/config.toml" (include "tollgate.configDir" .) | quote }}
{{- end }}
{{- if and $standalone .Values.tls.enabled }}
- name: TOLLGATE_TLS_CERT_FILE
  value: {{ printf "%s/tls.crt" (include "tollgate.tlsDir" .) | quote }}
- name: TOLLGATE_TLS_KEY_FILE
  value: {{ printf "%s/tls.key" (include "tollgate.tlsDir" .) | quote }}
{{- if .Values.tls.clientCA.existingSecret }}
- name: TOLLGATE_TLS_CLIENT_CA_FILE
  value: {{ printf "%s/client-ca.crt" (include "tollgate.tlsDir" .) | quote }}
{{- end }}
{{- else if and $standalone .Values.insecurePlaintext }}
# TLS is off and the listener is not on loopback: tollgate refuses that unless
# told otherwise. The values said insecurePlaintext: true (a service mesh
# provides mTLS); otherwise tls.enabled and tls.clientCA are required.
- name: TOLLGATE_ALLOW_PLAINTEXT_REMOTE
  value: "true"
{{- end }}
- name: TOLLGATE_SECRET_KEY_FILE
  value: {{ printf "%s/secret-key" (include "tollgate.secretsDir" .) | quote }}
{{- if .Values.secretKey.previous }}
{{- $files := list }}
{{- range $i, $_ := .Values.secretKey.previous }}
{{- $files = append $files (printf "%s/previous-key-%d" (include "tollgate.secretsDir" $) $i) }}
{{- end }}
- name: TOLLGATE_PREVIOUS_SECRET_KEY_FILES
  value: {{ join "," $files | quote }}
{{- end }}
- name: TOLLGATE_ISSUER
  value: {{ .Values.issuer | quote }}
{{- with .Values.confirmLinkBase }}
- name: TOLLGATE_CONFIRM_LINK_BASE
  value: {{ . | quote }}
{{- end }}
- name: TOLLGATE_OUTBOX_ACK_TIMEOUT
  value: {{ .Values.outboxAckTimeoutSeconds | quote }}
- name: TOLLGATE_DELIVERY_TIMEOUT
  value: {{ .Values.deliveryTimeoutSeconds | quote }}
- name: TOLLGATE_PURGE_INTERVAL
  value: {{ .Values.purgeIntervalSeconds | quote }}
- name: TOLLGATE_EXPIRED_RETENTION
  value: {{ .Values.expiredRetentionHours | quote }}
- name: TOLLGATE_AUDIT_RETENTION
  value: {{ .Values.auditRetentionDays | quote }}
- name: TOLLGATE_KEEPALIVE_INTERVAL
  value: {{ .Values.keepaliveIntervalSeconds | quote }}
- name: TOLLGATE_KEEPALIVE_TIMEOUT
  value: {{ .Values.keepaliveTimeoutSeconds | quote }}
- name: TOLLGATE_MAX_CONNECTIONS
  value: {{ .Values.maxConnections | quote }}
- name: TOLLGATE_IDLE_TIMEOUT
  value: {{ .Values.idleTimeoutSeconds | quote }}
- name: TOLLGATE_EMAIL_TRANSPORT
  value: {{ .Values.email.transport | quote }}
- name: TOLLGATE_SMS_TRANSPORT
  value: {{ .Values.sms.transport | quote }}
{{- if eq .Values.email.transport "smtp" }}
- name: TOLLGATE_SMTP_HOST
  value: {{ .Values.smtp.host | quote }}
{{- if .Values.smtp.port }}
- name: TOLLGATE_SMTP_PORT
  value: {{ .Values.smtp.port | quote }}
{{- end }}
- name: TOLLGATE_SMTP_SECURITY
  value: {{ .Values.smtp.security | quote }}
- name: TOLLGATE_SMTP_FROM
  value: {{ .Values.smtp.from | quote }}
{{- if include "tollgate.smtpPasswordOn" . }}
- name: TOLLGATE_SMTP_USERNAME
  value: {{ .Values.smtp.username | quote }}
- name: TOLLGATE_SMTP_PASSWORD_FILE
  value: {{ printf "%s/smtp-password" (include "tollgate.secretsDir" .) | quote }}
{{- end }}
{{- end }}
{{- if eq .Values.sms.transport "twilio" }}
- name: TOLLGATE_TWILIO_ACCOUNT_SID
  value: {{ .Values.twilio.accountSid | quote }}
- name: TOLLGATE_TWILIO_FROM
  value: {{ .Values.twilio.from | quote }}
- name: TOLLGATE_TWILIO_BASE_URL
  value: {{ .Values.twilio.baseUrl | quote }}
- name: TOLLGATE_TWILIO_AUTH_TOKEN_FILE
  value: {{ printf "%s/twilio-auth-token" (include "tollgate.secretsDir" .) | quote }}
{{- end }}
{{- if include "tollgate.uses" (list . "webhook") }}
- name: TOLLGATE_WEBHOOK_URL
  value: {{ .Values.webhook.url | quote }}
- name: TOLLGATE_WEBHOOK_SECRET_FILE
  value: {{ printf "%s/webhook-secret" (include "tollgate.secretsDir" .) | quote }}
{{- end }}
{{- if .Values.templates.existingConfigMap }}
- name: TOLLGATE_TEMPLATES_DIR
  value: {{ include "tollgate.templatesDir" . | quote }}
{{- end }}
- name: TOLLGATE_LOG_FORMAT
  value: {{ .Values.logFormat | quote }}
- name: TOLLGATE_LOG
  value: {{ .Values.logLevel | quote }}
{{- if .Values.metrics.enabled }}
- name: TOLLGATE_METRICS_ADDR
  value: {{ printf "0.0.0.0:%d" (int .Values.metrics.port) | quote }}
{{- end }}
{{- with .Values.otlpEndpoint }}
- name: TOLLGATE_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
The probe: `tollgate health` over the Unix socket, which is always on and
never uses TLS, so it works with TLS on and a read-only root file system.
*/}}
{{- define "tollgate.probeExec" -}}
exec:
  command:
    - /usr/local/bin/tollgate
    - health
    - --socket
    - {{ include "tollgate.socketPath" . }}
{{- end }}

{{/*
The tollgate container. Used by the standalone Deployment and, through
"tollgate.sidecar.container", by an application's own pod.
*/}}
{{- define "tollgate.container" -}}
{{- $standalone := eq .Values.mode "standalone" -}}
- name: tollgate
  image: {{ include "tollgate.image" . | quote }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  {{- if and (not $standalone) .Values.sidecar.native }}
  restartPolicy: Always
  {{- end }}
  args:
    - serve
  env:
    {{- include "tollgate.serveEnv" . | nindent 4 }}
  ports:
    {{- if or $standalone .Values.sidecar.tcp }}
    - name: grpc
      containerPort: {{ .Values.grpc.port }}
      protocol: TCP
    {{- end }}
    {{- if .Values.metrics.enabled }}
    - name: metrics
      containerPort: {{ .Values.metrics.port }}
      protocol: TCP
    {{- end }}
  startupProbe:
    {{- include "tollgate.probeExec" . | nindent 4 }}
    {{- toYaml .Values.probes.startup | nindent 4 }}
  readinessProbe:
    {{- include "tollgate.probeExec" . | nindent 4 }}
    {{- toYaml .Values.probes.readiness | nindent 4 }}
  livenessProbe:
    {{- include "tollgate.probeExec" . | nindent 4 }}
    {{- toYaml .Values.probes.liveness | nindent 4 }}
  {{- with .Values.resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml .Values.securityContext | nindent 4 }}
  volumeMounts:
    - name: {{ .Values.sidecar.socketVolumeName }}
      mountPath: {{ include "tollgate.socketDir" . }}
    - name: tollgate-secrets
      mountPath: {{ include "tollgate.secretsDir" . }}
      readOnly: true
    {{- if and $standalone .Values.tls.enabled }}
    - name: tollgate-tls
      mountPath: {{ include "tollgate.tlsDir" . }}
      readOnly: true
    {{- end }}
    {{- if .Values.templates.existingConfigMap }}
    - name: tollgate-templates
      mountPath: {{ include "tollgate.templatesDir" . }}
      readOnly: true
    {{- end }}
    {{- if .Values.callers }}
    - name: tollgate-config
      mountPath: {{ include "tollgate.configDir" . }}
      readOnly: true
    {{- end }}
    {{- if and (not $standalone) (not .Values.database.existingSecret) .Values.database.sqlite.existingClaim }}
    - name: tollgate-data
      mountPath: {{ include "tollgate.dataDir" . }}
    {{- end }}
{{- end }}

{{/*
The pod volumes the tollgate container needs. Secrets are mounted as files
(mode 0440: readable through the pod's fsGroup, not by other users).
*/}}
{{- define "tollgate.volumes" -}}
{{- $standalone := eq .Values.mode "standalone" -}}
- name: {{ .Values.sidecar.socketVolumeName }}
  emptyDir:
    medium: Memory
    sizeLimit: 1Mi
- name: tollgate-secrets
  projected:
    defaultMode: 0440
    sources:
      - secret:
          name: {{ .Values.secretKey.existingSecret }}
          items:
            - key: {{ .Values.secretKey.key }}
              path: secret-key
      {{- range $i, $prev := .Values.secretKey.previous }}
      - secret:
          name: {{ $prev.existingSecret }}
          items:
            - key: {{ default "secret-key" $prev.key }}
              path: {{ printf "previous-key-%d" $i }}
      {{- end }}
      {{- if include "tollgate.smtpPasswordOn" . }}
      - secret:
          name: {{ .Values.smtp.password.existingSecret }}
          items:
            - key: {{ .Values.smtp.password.key }}
              path: smtp-password
      {{- end }}
      {{- if eq .Values.sms.transport "twilio" }}
      - secret:
          name: {{ .Values.twilio.authToken.existingSecret }}
          items:
            - key: {{ .Values.twilio.authToken.key }}
              path: twilio-auth-token
      {{- end }}
      {{- if include "tollgate.uses" (list . "webhook") }}
      - secret:
          name: {{ .Values.webhook.secret.existingSecret }}
          items:
            - key: {{ .Values.webhook.secret.key }}
              path: webhook-secret
      {{- end }}
{{- if and $standalone .Values.tls.enabled }}
- name: tollgate-tls
  projected:
    defaultMode: 0440
    sources:
      - secret:
          name: {{ .Values.tls.existingSecret }}
          items:
            - key: tls.crt
              path: tls.crt
            - key: tls.key
              path: tls.key
      {{- if .Values.tls.clientCA.existingSecret }}
      - secret:
          name: {{ .Values.tls.clientCA.existingSecret }}
          items:
            - key: {{ .Values.tls.clientCA.key }}
              path: client-ca.crt
      {{- end }}
{{- end }}
{{- with .Values.templates.existingConfigMap }}
- name: tollgate-templates
  configMap:
    name: {{ . }}
{{- end }}
{{- if .Values.callers }}
- name: tollgate-config
  configMap:
    name: {{ include "tollgate.configName" . }}
    items:
      - key: config.toml
        path: config.toml
{{- end }}
{{- if and (not $standalone) (not .Values.database.existingSecret) .Values.database.sqlite.existingClaim }}
- name: tollgate-data
  persistentVolumeClaim:
    claimName: {{ .Values.database.sqlite.existingClaim }}
{{- end }}
{{- end }}

{{/*
Pod annotations for Prometheus discovery.
*/}}
{{- define "tollgate.metricsAnnotations" -}}
{{- if and .Values.metrics.enabled .Values.metrics.podAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .Values.metrics.port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end }}

{{/*
A checksum of the callers file, so that pods restart when it changes (the
server reads it at start).
*/}}
{{- define "tollgate.configChecksum" -}}
{{- if .Values.callers }}
checksum/tollgate-config: {{ include "tollgate.configToml" . | sha256sum }}
{{- end }}
{{- end }}

{{/* ===================== Public templates for application charts ===================== */}}

{{/*
tollgate.sidecar.container: the tollgate container, as one item of a
`containers:` list (or, with sidecar.native, of `initContainers:`).
Call it with the tollgate subchart's context:
  containers:
    {{- include "tollgate.sidecar.container" .Subcharts.tollgate | nindent 4 }}
*/}}
{{- define "tollgate.sidecar.container" -}}
{{- $ctx := dict "Values" (merge (dict "mode" "sidecar") .Values) "Chart" .Chart "Release" .Release "Capabilities" .Capabilities "Template" .Template -}}
{{ include "tollgate.container" $ctx }}
{{- end }}

{{/*
tollgate.sidecar.volumes: the volumes the container needs (socket emptyDir,
secrets, optional templates and SQLite claim), as items of `volumes:`.
*/}}
{{- define "tollgate.sidecar.volumes" -}}
{{- $ctx := dict "Values" (merge (dict "mode" "sidecar") .Values) "Chart" .Chart "Release" .Release "Capabilities" .Capabilities "Template" .Template -}}
{{ include "tollgate.volumes" $ctx }}
{{- end }}

{{/*
tollgate.sidecar.volumeMount: the socket mount for the application's own
container, as an item of its `volumeMounts:`. The socket is
/run/tollgate/tollgate.sock.
*/}}
{{- define "tollgate.sidecar.volumeMount" -}}
- name: {{ .Values.sidecar.socketVolumeName }}
  mountPath: {{ include "tollgate.socketDir" . }}
{{- end }}

{{/*
tollgate.sidecar.metricsAnnotations: prometheus.io pod annotations (or nothing).
*/}}
{{- define "tollgate.sidecar.metricsAnnotations" -}}
{{ include "tollgate.metricsAnnotations" . | trim }}
{{- end }}

{{/*
tollgate.sidecar.configChecksum: a checksum/tollgate-config pod annotation
when `callers` is set (or nothing), so the pod restarts when callers change.
*/}}
{{- define "tollgate.sidecar.configChecksum" -}}
{{ include "tollgate.configChecksum" . | trim }}
{{- end }}
