import { frozenTextArray, textArrayParam } from '../../src/common/frozen-text-array';

describe('text[] values read as text', () => {
  it('parse as PostgreSQL writes them, quoted and escaped elements included, into a frozen list', () => {
    const list = frozenTextArray('{plain,"with space","a \\"quote\\"","back\\\\slash","{brace},comma",NULL}');
    expect(list).toEqual(['plain', 'with space', 'a "quote"', 'back\\slash', '{brace},comma', null]);
    expect(Object.isFrozen(list)).toBe(true);
    expect(frozenTextArray('{}')).toEqual([]);
  });

  it('bind back as their own text, and any other list as the list', () => {
    const text = '{a,"b c"}';
    expect(textArrayParam(frozenTextArray(text))).toBe(text);
    const other = ['a', 'b c'];
    expect(textArrayParam(other)).toBe(other);
    expect(textArrayParam(Object.freeze(['a']))).toEqual(['a']);
  });
});
