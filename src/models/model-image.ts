import { NotFoundException } from '@nestjs/common';

export type ProfileImage = { kind: 'bytes'; contentType: string; body: Buffer } | { kind: 'redirect'; url: string };

const DATA_URI = /^data:(image\/[\w.+-]+)(;base64)?,(.*)$/s;

/** A profile image as served: the bytes of an image data: URI, or a redirect to an http(s) URL. */
export function profileImageOf(meta: Record<string, unknown>): ProfileImage {
  const url = meta.profile_image_url;
  if (typeof url === 'string') {
    const data = DATA_URI.exec(url);
    if (data) {
      const body = data[2] ? Buffer.from(data[3], 'base64') : Buffer.from(decodeURIComponent(data[3]), 'utf8');
      return { kind: 'bytes', contentType: data[1].toLowerCase(), body };
    }
    if (/^https?:\/\//i.test(url)) return { kind: 'redirect', url };
  }
  throw new NotFoundException('Model has no profile image');
}
