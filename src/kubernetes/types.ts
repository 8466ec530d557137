/** A field of a protobuf message read without its schema: a number (wire types varint, fixed64, fixed32). */
export interface ProtoNumberField {
  /** The field number. */
  readonly field: number;
  /** How the field is encoded: `varint` (int32, int64, bool, enum…), `fixed64` or `fixed32`. */
  readonly wireType: 'varint' | 'fixed64' | 'fixed32';
  /** The unsigned value: a number when exact, else its decimal text (above 2^53). */
  readonly value: number | string;
}

/**
 * A length-delimited field (strings, bytes, nested messages, packed numbers) read
 * without its schema. Exactly one of `text`, `message` and `base64` is set.
 */
export interface ProtoBytesField {
  /** The field number. */
  readonly field: number;
  /** Always `bytes`: the field carries a length and that many bytes. */
  readonly wireType: 'bytes';
  /** Number of bytes. */
  readonly length: number;
  /** The bytes as text, when they are printable UTF-8 (strings, mostly). */
  readonly text?: string;
  /** The bytes as a nested message, when they are not text and read as one to their end. */
  readonly message?: ProtoField[];
  /** The bytes in base64, when they are neither text nor a message. */
  readonly base64?: string;
}

/** One field of a message decoded without a schema. Branch on `wireType`. */
export type ProtoField = ProtoNumberField | ProtoBytesField;

/** Where decoding of a Kubernetes protobuf value stopped, when it could not read the value to its end. */
export interface KubernetesDecodeStop {
  /** Offset in the stored value (counting the 4-byte `k8s\0` magic) of the first byte that could not be read. */
  readonly offset: number;
  /** The fields being read, outermost first, e.g. `raw.metadata.labels` or `raw.2.1`. */
  readonly path: string;
  /** Why, e.g. `field 2 is longer than the 120 bytes left`. */
  readonly reason: string;
}

/** A reference to the object that owns this one (`metadata.ownerReferences`). */
export interface KubernetesOwnerReference {
  /** The owner's API version, e.g. `apps/v1`. */
  readonly apiVersion?: string;
  /** The owner's kind, e.g. `ReplicaSet`. */
  readonly kind?: string;
  /** The owner's name. */
  readonly name?: string;
  /** The owner's uid. */
  readonly uid?: string;
  /** Whether the owner is the managing controller. */
  readonly controller?: boolean;
  /** Whether deleting the owner waits for this object. */
  readonly blockOwnerDeletion?: boolean;
}

/**
 * The standard metadata every Kubernetes object carries (`ObjectMeta`). Fields
 * absent from the stored value are absent here. Times are RFC 3339 text; a stored time outside
 * 0001-01-01 to 9999-12-31 (or with nanoseconds outside 0 to 999,999,999) is given as
 * `invalid time (seconds S, nanos N)` rather than thrown.
 */
export interface KubernetesObjectMeta {
  /** The object's name. */
  readonly name?: string;
  /** The prefix the server used to generate the name. */
  readonly generateName?: string;
  /** The namespace; absent for cluster-scoped objects. */
  readonly namespace?: string;
  /** Deprecated self link. */
  readonly selfLink?: string;
  /** The object's unique id. */
  readonly uid?: string;
  /** The resource version, when stored (the API server usually leaves it out: it is the key's mod revision). */
  readonly resourceVersion?: string;
  /** Increments when the desired state (spec) changes. */
  readonly generation?: number | string;
  /** When the object was created. */
  readonly creationTimestamp?: string;
  /** When deletion was requested (the object waits for its finalizers). */
  readonly deletionTimestamp?: string;
  /** Grace period of a pending deletion, in seconds. */
  readonly deletionGracePeriodSeconds?: number | string;
  /** Labels. */
  readonly labels?: Record<string, string>;
  /** Annotations. */
  readonly annotations?: Record<string, string>;
  /** The objects that own this one. */
  readonly ownerReferences?: KubernetesOwnerReference[];
  /** Finalizers that must finish before the object is deleted. */
  readonly finalizers?: string[];
  /** Field ownership entries (`managedFields`), decoded without a schema: one list of fields per entry. */
  readonly managedFields?: ProtoField[][];
}

/** A value stored by Kubernetes as protobuf: the `k8s\0` magic and a `runtime.Unknown` envelope. */
export interface KubernetesProtobufValue {
  /** How the value is stored. */
  readonly format: 'protobuf';
  /** The envelope's `typeMeta.apiVersion`, e.g. `v1` or `apps/v1`. */
  readonly apiVersion?: string;
  /** The envelope's `typeMeta.kind`, e.g. `Pod`. */
  readonly kind?: string;
  /** The object's `ObjectMeta` (field 1 of the object). */
  readonly metadata: KubernetesObjectMeta;
  /** The object's other fields (usually 2 = spec, 3 = status), decoded without a schema. */
  readonly fields: ProtoField[];
  /** The envelope's `contentEncoding`, when set. */
  readonly contentEncoding?: string;
  /** The envelope's `contentType`, when set. */
  readonly contentType?: string;
  /** Set when the value could not be decoded to its end: everything before it is decoded. */
  readonly error?: KubernetesDecodeStop;
  /**
   * Set when decoding stopped at the decoder's bound on work per value (100,000 protobuf
   * fields; real objects read far fewer), not at a fault in the value: `error` says where,
   * and bytes inside fields not read further are shown in base64.
   */
  readonly truncated?: true;
}

/** A value stored as JSON (custom resources, CRDs, some built-in types). */
export interface KubernetesJsonValue {
  /** How the value is stored. */
  readonly format: 'json';
  /** `apiVersion`, when the value is an object that has one. */
  readonly apiVersion?: string;
  /** `kind`, when the value is an object that has one. */
  readonly kind?: string;
  /** `metadata`, when the value is an object that has one. */
  readonly metadata?: KubernetesObjectMeta;
  /** The parsed JSON. */
  readonly value: unknown;
}

/** The encryption providers of Kubernetes encryption at rest. */
export type KubernetesEncryptionProvider = 'aesgcm' | 'aescbc' | 'secretbox' | 'kms';

/** A value Kubernetes encrypted at rest (`k8s:enc:<provider>:<version>:<key name>:` and ciphertext). */
export interface KubernetesEncryptedValue {
  /** How the value is stored. */
  readonly format: 'encrypted';
  /** The provider that encrypted it. */
  readonly provider: KubernetesEncryptionProvider;
  /** The provider's format version, e.g. `v1` (`kms` has `v1` and `v2`). */
  readonly providerVersion: string;
  /** The name of the key (for `kms`, of the KMS provider) as configured on the API server. */
  readonly keyName: string;
  /** Bytes after the prefix (nonce, ciphertext, tag). */
  readonly ciphertextBytes: number;
}

/** A value that is printable UTF-8 text but neither JSON nor a Kubernetes encoding. */
export interface KubernetesTextValue {
  /** How the value is stored. */
  readonly format: 'text';
  /** The text. */
  readonly text: string;
}

/** A value that is none of the others: bytes of unknown meaning. */
export interface KubernetesBinaryValue {
  /** How the value is stored. */
  readonly format: 'binary';
  /** Number of bytes. */
  readonly length: number;
  /** The bytes in base64. */
  readonly base64: string;
}

/** What {@link decodeKubernetesValue} found. Branch on `format`. */
export type KubernetesValue =
  | KubernetesProtobufValue
  | KubernetesJsonValue
  | KubernetesEncryptedValue
  | KubernetesTextValue
  | KubernetesBinaryValue;
