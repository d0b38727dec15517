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

/** Where answers point a stored (data:) image: the image route, under /api or /api/v1. */
const IMAGE_ROUTES = new Set(['/api/models/model/profile/image', '/api/v1/models/model/profile/image']);

/**
 * Whether `url` is how an answer showed model `id`'s stored image: the image route for that id,
 * relative or on any host, with or without other parameters (Open WebUI adds `lang`).
 */
export function isShownImageUrl(url: unknown, id: string): boolean {
  if (typeof url !== 'string' || /^data:/i.test(url)) return false;
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://relative.invalid');
  } catch {
    return false;
  }
  return IMAGE_ROUTES.has(parsed.pathname.replace(/\/+$/, '')) && parsed.searchParams.get('id') === id;
}

/**
 * An update that sends back what a list showed (Open WebUI's Hide/Show sends the list item)
 * carries the image route's URL in place of the stored data: image: keep the stored image.
 */
export function keepStoredImage(
  meta: Record<string, unknown>,
  stored: Record<string, unknown> | undefined,
  id: string,
): Record<string, unknown> {
  const storedImage = stored?.profile_image_url;
  if (typeof storedImage !== 'string' || !parseImageDataUri(storedImage)) return meta;
  return isShownImageUrl(meta.profile_image_url, id) ? { ...meta, profile_image_url: storedImage } : meta;
}
