import argon2 from 'argon2';

export interface PasswordCost {
  memoryCost: number;
  timeCost: number;
}

export class Passwords {
  private dummy: Promise<string> | undefined;
  constructor(private readonly cost: PasswordCost) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, {
      type: argon2.argon2id,
      memoryCost: this.cost.memoryCost,
      timeCost: this.cost.timeCost,
    });
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /** Spends the same work as a real check, so "no such account" is not faster than "wrong password". */
  async verifyNobody(password: string): Promise<false> {
    this.dummy ??= this.hash('not-a-real-password-for-timing');
    await this.verify(await this.dummy, password);
    return false;
  }
}
