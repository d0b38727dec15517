/** Word lists for realistic names, descriptions, prompts and tags. Weights are relative. */

function words(list: string): string[] {
  return list.split(' ');
}

export interface Subject {
  /** How the subject reads in a model name, e.g. "Legal contract". */
  text: string;
  /** The tag a model about this subject usually carries. */
  tag: string;
  roles: readonly string[];
  weight: number;
}

const CODE_ROLES = ['coder', 'code reviewer', 'debugger', 'pair programmer', 'refactoring assistant', 'tutor'];
const TEXT_ROLES = ['reviewer', 'assistant', 'summarizer', 'writer', 'analyst', 'helper', 'expert', 'drafter'];
const TEACH_ROLES = ['tutor', 'explainer', 'quiz master', 'study buddy', 'assistant'];
const SUPPORT_ROLES = ['agent', 'assistant', 'responder', 'triage bot', 'helper'];

export const SUBJECTS: readonly Subject[] = [
  { text: 'Python', tag: 'coding', roles: CODE_ROLES, weight: 9 },
  { text: 'TypeScript', tag: 'coding', roles: CODE_ROLES, weight: 7 },
  { text: 'Rust', tag: 'coding', roles: CODE_ROLES, weight: 3 },
  { text: 'Go', tag: 'coding', roles: CODE_ROLES, weight: 3 },
  { text: 'Java', tag: 'coding', roles: CODE_ROLES, weight: 4 },
  { text: 'SQL query', tag: 'sql', roles: CODE_ROLES, weight: 5 },
  { text: 'Bash script', tag: 'devops', roles: CODE_ROLES, weight: 2 },
  { text: 'Terraform', tag: 'devops', roles: CODE_ROLES, weight: 2 },
  { text: 'React component', tag: 'javascript', roles: CODE_ROLES, weight: 3 },
  { text: 'Legal contract', tag: 'legal', roles: TEXT_ROLES, weight: 5 },
  { text: 'Compliance', tag: 'legal', roles: TEXT_ROLES, weight: 2 },
  { text: 'GDPR', tag: 'legal', roles: TEXT_ROLES, weight: 2 },
  { text: 'Patent', tag: 'legal', roles: TEXT_ROLES, weight: 1 },
  { text: 'Marketing copy', tag: 'marketing', roles: TEXT_ROLES, weight: 4 },
  { text: 'SEO', tag: 'marketing', roles: TEXT_ROLES, weight: 2 },
  { text: 'Social media', tag: 'marketing', roles: TEXT_ROLES, weight: 2 },
  { text: 'Medical notes', tag: 'medical', roles: TEXT_ROLES, weight: 2 },
  { text: 'Radiology report', tag: 'medical', roles: TEXT_ROLES, weight: 1 },
  { text: 'Financial report', tag: 'finance', roles: TEXT_ROLES, weight: 3 },
  { text: 'Tax', tag: 'finance', roles: TEXT_ROLES, weight: 1 },
  { text: 'Invoice', tag: 'finance', roles: TEXT_ROLES, weight: 1 },
  { text: 'Customer support', tag: 'support', roles: SUPPORT_ROLES, weight: 5 },
  { text: 'Billing support', tag: 'support', roles: SUPPORT_ROLES, weight: 2 },
  { text: 'IT helpdesk', tag: 'support', roles: SUPPORT_ROLES, weight: 2 },
  { text: 'Research paper', tag: 'research', roles: TEXT_ROLES, weight: 3 },
  { text: 'Literature review', tag: 'research', roles: TEXT_ROLES, weight: 1 },
  { text: 'Grant proposal', tag: 'writing', roles: TEXT_ROLES, weight: 1 },
  { text: 'Email', tag: 'writing', roles: TEXT_ROLES, weight: 4 },
  { text: 'Meeting notes', tag: 'productivity', roles: TEXT_ROLES, weight: 3 },
  { text: 'Press release', tag: 'writing', roles: TEXT_ROLES, weight: 1 },
  { text: 'Data analysis', tag: 'data', roles: TEXT_ROLES, weight: 4 },
  { text: 'Spreadsheet formula', tag: 'data', roles: TEXT_ROLES, weight: 2 },
  { text: 'Math', tag: 'education', roles: TEACH_ROLES, weight: 3 },
  { text: 'Physics', tag: 'education', roles: TEACH_ROLES, weight: 1 },
  { text: 'History', tag: 'education', roles: TEACH_ROLES, weight: 1 },
  { text: 'Job interview', tag: 'hr', roles: TEXT_ROLES, weight: 1 },
  { text: 'Security audit', tag: 'security', roles: TEXT_ROLES, weight: 1 },
  { text: 'Recipe', tag: 'lifestyle', roles: TEXT_ROLES, weight: 1 },
  { text: 'Travel itinerary', tag: 'lifestyle', roles: TEXT_ROLES, weight: 1 },
  { text: 'Translation', tag: 'translation', roles: ['assistant', 'checker', 'expert', 'helper'], weight: 4 },
  // Rare subjects: a handful of models each, for "rare word" searches.
  { text: 'Numismatic catalogue', tag: 'numismatics', roles: TEXT_ROLES, weight: 0.05 },
  { text: 'Falconry', tag: 'falconry', roles: TEACH_ROLES, weight: 0.05 },
  { text: 'Beekeeping', tag: 'beekeeping', roles: TEACH_ROLES, weight: 0.1 },
];

/** Extra tags beside the subject's: ~40 names, a few common, many rare. */
// prettier-ignore
export const TAGS: readonly (readonly [string, number])[] = [
  ['coding', 12], ['assistant', 10], ['writing', 9], ['productivity', 8], ['legal', 6], ['research', 6],
  ['translation', 5], ['data', 5], ['marketing', 5], ['education', 5], ['support', 4], ['finance', 4],
  ['python', 3], ['javascript', 3], ['sql', 3], ['devops', 2], ['medical', 2], ['analysis', 3],
  ['creative', 3], ['summarization', 3], ['email', 2], ['security', 2], ['hr', 1], ['sales', 2],
  ['design', 1], ['internal', 2], ['experimental', 2], ['beta', 1], ['team', 2], ['rag', 1],
  ['lifestyle', 0.5], ['astronomy', 0.2], ['chess', 0.2], ['poetry', 0.3], ['gardening', 0.2],
  ['genealogy', 0.1], ['origami', 0.05], ['cartography', 0.05], ['numismatics', 0.05], ['falconry', 0.02],
];

export const LANGUAGES = words(
  'English Spanish French German Japanese Portuguese Italian Dutch Korean Chinese Polish Swedish Hindi Arabic Turkish',
);

export const ADJECTIVES = words(
  'Friendly Strict Concise Senior Junior Careful Fast Thorough Patient Pragmatic Formal Casual Expert Helpful',
);

export const TEAMS = words(
  'Legal Platform Growth Finance Support Research Data Security Sales People Design Infrastructure Mobile Marketing Operations',
);

export const REGIONS = words('EMEA APAC Americas Berlin London Paris Tokyo Remote HQ Nordics');

export const TASK_VERBS = [
  'reviews',
  'drafts',
  'summarizes',
  'checks',
  'explains',
  'rewrites',
  'answers questions about',
];

export const OUTPUTS = [
  'documents',
  'snippets',
  'reports',
  'tickets',
  'notes',
  'questions',
  'pull requests',
  'clauses',
  'tables',
];

export const ISSUES = [
  'risky wording',
  'missing tests',
  'unclear requirements',
  'inconsistent numbers',
  'tone problems',
  'security issues',
  'outdated references',
  'edge cases',
];

export const INSTRUCTIONS = [
  'Ask a clarifying question when the request is ambiguous.',
  'Cite the section or line you are referring to.',
  'Prefer short answers with bullet points.',
  'Never invent facts; say when you are unsure.',
  'Explain your reasoning step by step before giving the final answer.',
  'Use the company style guide: plain words, active voice, no jargon.',
  'Return code in fenced blocks with the language name.',
  'Flag anything that needs a human review.',
  'Keep personal data out of your answers.',
  'End with a one-line summary.',
];

export const FIRST_NAMES = words(
  'Ada Alan Alice Amara Anna Arjun Ben Carla Chen Chloe Daniel Dara Elena Emeka Emma Farah Felix Grace Hana Hugo Ines Isaac Ivan Jade James Jonas Julia Kai Kenji Lara Leo Lina Lucas Maya Mateo Mei Mia Nadia Noah Nora Omar Oscar Priya Rafael Rosa Sam Sara Sofia Tariq Theo Uma Victor Yara Yusuf Zoe',
);

export const LAST_NAMES = words(
  'Adams Ahmed Alvarez Baker Becker Brown Chen Costa Dubois Evans Fischer Garcia Gupta Hansen Hoffmann Ito Jensen Kim Kowalski Lopez Martin Meyer Moreau Nakamura Nguyen Novak Okafor Olsen Patel Petrov Rossi Santos Schmidt Silva Singh Smith Suzuki Tanaka Taylor Weber Wilson Yilmaz Zhang',
);
