{{/* The release's base name: <release>-stafett, or the release name when it already says stafett. */}}
{{- define "stafett.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* A component's object name. Argument: dict root name. */}}
{{- define "stafett.componentName" -}}
{{- printf "%s-%s" (include "stafett.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "stafett.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: stafett
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Labels of a component's objects. Argument: dict root name. */}}
{{- define "stafett.componentLabels" -}}
{{ include "stafett.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* Selector of a component's pods. Argument: dict root name. */}}
{{- define "stafett.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* An image reference. Argument: dict root repository. */}}
{{- define "stafett.image" -}}
{{- printf "%s%s:%s" .root.Values.image.registry .repository (.root.Values.image.tag | default .root.Chart.AppVersion) -}}
{{- end -}}

{{/* The registry the services use: schemaRegistry.url, else the built-in registry's Service, else none (the all-in-one serves its own). */}}
{{- define "stafett.registryUrl" -}}
{{- $builtIn := index .Values.components "schema-registry" -}}
{{- if .Values.schemaRegistry.url -}}
{{- .Values.schemaRegistry.url -}}
{{- else if $builtIn.enabled -}}
{{- printf "http://%s:%v" (include "stafett.componentName" (dict "root" . "name" "schema-registry")) $builtIn.port -}}
{{- end -}}
{{- end -}}

{{/*
STAFETT_PLATFORM_URL, the platform's REST API for connectors running alone (the member-file export's
GET /v1/persons): platform.url, else the person service's Service, else the all-in-one's, else none.
*/}}
{{- define "stafett.platformUrl" -}}
{{- $person := index .Values.components "person-service" -}}
{{- if .Values.platform.url -}}
{{- .Values.platform.url -}}
{{- else if $person.enabled -}}
{{- printf "http://%s:%v" (include "stafett.componentName" (dict "root" . "name" "person-service")) $person.port -}}
{{- else if .Values.components.stafett.enabled -}}
{{- printf "http://%s:%v" (include "stafett.componentName" (dict "root" . "name" "stafett")) .Values.components.stafett.port -}}
{{- end -}}
{{- end -}}

{{/* Where the Kafka CA is mounted when kafka.tls.caSecret is given. */}}
{{- define "stafett.kafkaCaDir" -}}/etc/stafett/kafka-ca{{- end -}}

{{/* Rules across values that values.schema.json cannot say clearly: fails the render with a message. */}}
{{- define "stafett.validate" -}}
{{- $builtIn := index .Values.components "schema-registry" -}}
{{- if and .Values.schemaRegistry.url $builtIn.enabled -}}
{{- fail "schemaRegistry.url is set: disable the built-in registry (components.schema-registry.enabled=false) or empty the URL" -}}
{{- end -}}
{{- $needsRegistry := list -}}
{{- range $name, $c := .Values.components -}}
{{- if and $c.enabled (ne $name "schema-registry") (ne $name "stafett") -}}{{- $needsRegistry = append $needsRegistry $name -}}{{- end -}}
{{- if and $c.enabled $c.autoscaling.enabled (gt (int $c.autoscaling.minReplicas) (int $c.autoscaling.maxReplicas)) -}}
{{- fail (printf "components.%s.autoscaling: minReplicas (%v) is above maxReplicas (%v)" $name $c.autoscaling.minReplicas $c.autoscaling.maxReplicas) -}}
{{- end -}}
{{- end -}}
{{- if and $needsRegistry (not (include "stafett.registryUrl" .)) -}}
{{- fail (printf "%s need a schema registry: set schemaRegistry.url or enable components.schema-registry" (join ", " $needsRegistry)) -}}
{{- end -}}
{{- if and .Values.kafka.sasl.mechanism (not .Values.kafka.sasl.secret.name) -}}
{{- fail "kafka.sasl.mechanism is set: name the Secret with the SASL credentials in kafka.sasl.secret.name" -}}
{{- end -}}
{{- if and .Values.kafka.tls.caSecret.name (not .Values.kafka.tls.enabled) -}}
{{- fail "kafka.tls.caSecret is set but kafka.tls.enabled is false" -}}
{{- end -}}
{{- $paths := dict -}}
{{- range $name, $c := .Values.components -}}
{{- if $c.enabled -}}
{{- range $c.ingressPaths -}}
{{- if hasKey $paths . -}}{{- fail (printf "ingress path %s is routed to both %s and %s" . (get $paths .) $name) -}}{{- end -}}
{{- $_ := set $paths . $name -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if and .Values.ingress.enabled (not $paths) -}}
{{- fail "ingress.enabled is true but no enabled component has ingressPaths" -}}
{{- end -}}
{{- end -}}

{{/* Environment of every platform container besides the shared ConfigMap: port and secrets by reference. Argument: dict root c. */}}
{{- define "stafett.env" -}}
- name: PORT
  value: {{ .c.port | quote }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef: { name: {{ .root.Values.secrets.databaseUrl.name | quote }}, key: {{ .root.Values.secrets.databaseUrl.key | quote }} }
{{- with .root.Values.secrets.adminApiKey }}
{{- if .name }}
- name: STAFETT_ADMIN_API_KEY
  valueFrom:
    secretKeyRef: { name: {{ .name | quote }}, key: {{ .key | quote }} }
{{- end }}
{{- end }}
{{- with .root.Values.kafka.sasl }}
{{- if .mechanism }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef: { name: {{ .secret.name | quote }}, key: {{ .secret.usernameKey | quote }} }
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ .secret.name | quote }}, key: {{ .secret.passwordKey | quote }} }
{{- end }}
{{- end }}
{{- with include "stafett.importEntityTypes" .root }}
{{- if and (has "/v1/imports" $.c.ingressPaths) (has $.name (include "stafett.domainServices" "" | splitList " ")) }}
- name: STAFETT_IMPORT_ENTITY_TYPES
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- with .c.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
The entities of the enabled domain services (components named <entity>-service), comma-separated:
what POST /v1/imports of the component that owns /v1/imports takes (STAFETT_IMPORT_ENTITY_TYPES),
since the Ingress cannot route a batch by its records' entityType. Their own services apply them.
*/}}
{{- define "stafett.importEntityTypes" -}}
{{- $entities := list -}}
{{- range $name, $c := .Values.components -}}
{{- if and $c.enabled (has $name (include "stafett.domainServices" "" | splitList " ")) -}}
{{- $entities = append $entities (trimSuffix "-service" $name) -}}
{{- end -}}
{{- end -}}
{{- join "," $entities -}}
{{- end -}}

{{/* The domain services, each taking its entity's imports (space-separated component names). */}}
{{- define "stafett.domainServices" -}}organisation-service person-service group-service activity-service{{- end -}}
