import { NotFoundException } from '@nestjs/common';

export type ProfileImage = { kind: 'bytes'; contentType: string; body: Buffer } | { kind: 'redirect'; url: string };

const DATA_URI = /^data:(image\/[\w.+-]+)(;base64)?,(.*)$/is;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes of a `data:image/...` URI, or null when the URI is not one (or is malformed). */
export function parseImageDataUri(uri: string): { contentType: string; body: Buffer } | null {
  const data = DATA_URI.exec(uri);
  if (!data) return null;
  const [, contentType, base64, payload] = data;
  if (base64)
    return BASE64.test(payload)
      ? { contentType: contentType.toLowerCase(), body: Buffer.from(payload, 'base64') }
      : null;
  try {
    return { contentType: contentType.toLowerCase(), body: Buffer.from(decodeURIComponent(payload), 'utf8') };
  } catch {
    return null;
  }
}

/** A profile image as served: the bytes of an image data: URI, or a redirect to an http(s) URL. */
export function profileImageOf(meta: Record<string, unknown>): ProfileImage {
  const url = meta.profile_image_url;
  if (typeof url === 'string') {
    const image = parseImageDataUri(url);
    if (image) return { kind: 'bytes', ...image };
    if (/^https?:\/\//i.test(url)) return { kind: 'redirect', url };
  }
  throw new NotFoundException('Model has no profile image');
}
