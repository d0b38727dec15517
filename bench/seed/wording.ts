import { Random } from './random';
import { ADJECTIVES, INSTRUCTIONS, ISSUES, LANGUAGES, OUTPUTS, SUBJECTS, Subject, TASK_VERBS, TEAMS } from './words';

/** What one custom model is about; its name, description and prompt are built from it. */
export interface Wording {
  subject: Subject;
  role: string;
  language: string;
  team: string;
  adjective: string;
}

const SUBJECT_WEIGHTS = SUBJECTS.map((subject) => [subject, subject.weight] as const);
// Names keep their capital in mid-sentence; other subjects are lower-cased there.
const PROPER = new Set(['Python', 'TypeScript', 'Rust', 'Go', 'Java', 'Bash', 'Terraform', 'React']);

export function pickWording(rng: Random): Wording {
  const subject = rng.weighted(SUBJECT_WEIGHTS);
  return {
    subject,
    role: rng.pick(subject.roles),
    // Mostly English, the rest spread over the other languages.
    language: rng.chance(0.6) ? 'English' : rng.pick(LANGUAGES),
    team: rng.pick(TEAMS),
    adjective: rng.pick(ADJECTIVES),
  };
}

function inSentence(subject: string): string {
  const first = subject.split(' ')[0];
  const keepCase = PROPER.has(first) || /^[A-Z]{2}/.test(first);
  return keepCase ? subject : subject.charAt(0).toLowerCase() + subject.slice(1);
}

/** e.g. "Legal contract reviewer", "Spanish translation checker", "Strict Python code reviewer". */
export function modelName(rng: Random, w: Wording): string {
  const subject = inSentence(w.subject.text);
  const roll = rng.next();
  if (roll < 0.45) return `${w.subject.text} ${w.role}`;
  if (roll < 0.65) return `${w.language === 'English' ? rng.pick(LANGUAGES) : w.language} ${subject} ${w.role}`;
  if (roll < 0.85) return `${w.adjective} ${subject} ${w.role}`;
  return `${w.team} ${subject} ${w.role}`;
}

export function describe(rng: Random, w: Wording): string {
  const subject = inSentence(w.subject.text);
  const verb = rng.pick(TASK_VERBS);
  const output = rng.pick(OUTPUTS);
  const issues = rng.distinctInts(2, ISSUES.length).map((i) => ISSUES[i]);
  switch (rng.int(0, 3)) {
    case 0:
      return `${verb.charAt(0).toUpperCase()}${verb.slice(1)} ${subject} ${output} for the ${w.team} team.`;
    case 1:
      return `A ${w.adjective.toLowerCase()} ${w.role} that ${verb} ${subject} ${output} and points out ${issues[0]}.`;
    case 2:
      return `Helps with ${subject} ${output}; answers in ${w.language}.`;
    default:
      return `${w.team} ${w.role} for ${subject} work. Watches for ${issues[0]} and ${issues[1]}.`;
  }
}

export function systemPrompt(rng: Random, w: Wording): string {
  const lines = [
    `You are a ${w.adjective.toLowerCase()} ${inSentence(w.subject.text)} ${w.role} for the ${w.team} team.`,
  ];
  const count = rng.int(2, 6);
  for (const i of rng.distinctInts(count, INSTRUCTIONS.length)) lines.push(INSTRUCTIONS[i]);
  lines.push(`Always answer in ${w.language}.`);
  return lines.join(' ');
}
