export { decodeKubernetesValue } from './decode.js';
export type {
  KubernetesBinaryValue,
  KubernetesDecodeStop,
  KubernetesEncryptedValue,
  KubernetesEncryptionProvider,
  KubernetesJsonValue,
  KubernetesObjectMeta,
  KubernetesOwnerReference,
  KubernetesProtobufValue,
  KubernetesTextValue,
  KubernetesValue,
  ProtoBytesField,
  ProtoField,
  ProtoNumberField,
} from './types.js';
