import { useState } from 'preact/hooks';
import { ErrorText } from './form-parts';

/** Profile images are stored inline in the model's meta (≤ 256 KiB as JSON): shrink them to this size. */
const SIDE = 128;

/** A file as a data: URL (the CSP allows images from data: URIs, not blob: ones). */
function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : '');
    reader.onerror = () => reject(new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

/** Reads an image file and answers it as a small PNG data: URL, drawn on a canvas at most SIDE px wide. */
async function shrink(file: File): Promise<string> {
  const source = await readAsDataUrl(file);
  const image = new Image();
  await new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error('this file is not an image the browser can read'));
    image.src = source;
  });
  const scale = Math.min(1, SIDE / Math.max(image.width, image.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(image.width * scale));
  canvas.height = Math.max(1, Math.round(image.height * scale));
  canvas.getContext('2d')?.drawImage(image, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/png');
}

interface ImagePickerProps {
  value: string;
  name: string;
  onChange: (url: string) => void;
}

/** Upload a profile image: shown at once, stored as a data: URL when the model is saved. */
export function ImagePicker({ value, name, onChange }: ImagePickerProps) {
  const [error, setError] = useState<string>();
  const shown = value.startsWith('data:image/') || value.startsWith('/') ? value : '';
  return (
    <div class="image-picker">
      {shown ? (
        <img class="avatar large" src={shown} alt={`Profile image of ${name || 'the model'}`} />
      ) : (
        <span class="avatar large initial" aria-hidden="true">
          {(name.trim()[0] ?? '?').toUpperCase()}
        </span>
      )}
      <div class="field">
        <label for="model-image">Profile image</label>
        <input
          id="model-image"
          type="file"
          accept="image/png,image/jpeg,image/gif,image/webp"
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            if (!file) return;
            setError(undefined);
            shrink(file).then(onChange, (caught: Error) => setError(caught.message));
          }}
        />
        {value ? (
          <button type="button" class="link" onClick={() => onChange('')}>
            Remove the image
          </button>
        ) : null}
        <ErrorText error={error} />
      </div>
    </div>
  );
}
