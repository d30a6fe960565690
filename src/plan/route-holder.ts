/**
 * The route container's program: a static executable of a few hundred
 * bytes that blocks in the kernel forever (no libc, no shell, no file).
 * It is made here, not pulled: a host without a registry (an offline one,
 * the lab) runs it too. As PID 1 it ignores SIGTERM; bluegreen stops it
 * with SIGKILL (it holds no connection: it only carries labels).
 */

/** The image's name: its tag changes only when the program does. */
export const ROUTE_IMAGE = 'bluegreen-route:1';
/** Where the program is in the image. */
export const ROUTE_PROGRAM = '/hold';

const BASE = 0x400000;
const CODE_OFFSET = 64 + 56;

/** The machine code of the endless wait, per architecture as the engine names it (`docker info` Architecture). */
const CODE: Record<string, { machine: number; code: number[] }> = {
  // loop: mov eax, 34 (pause); syscall; jmp loop
  x86_64: { machine: 0x3e, code: [0xb8, 0x22, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xeb, 0xf7] },
  // loop: x0..x4 = 0; x8 = 73 (ppoll: no fds, no timeout); svc #0; b loop (arm64 has no pause)
  aarch64: { machine: 0xb7, code: words([0xd2800000, 0xd2800001, 0xd2800002, 0xd2800003, 0xd2800004, 0xd2800928, 0xd4000001, 0x17fffff9]) },
};

function words(list: number[]): number[] {
  const buffer = Buffer.alloc(list.length * 4);
  list.forEach((word, index) => buffer.writeUInt32LE(word, index * 4));
  return [...buffer];
}

/** Architectures the program is made for. */
export const ROUTE_ARCHITECTURES = Object.keys(CODE);

/** The program as a static ELF64 executable for the architecture, or undefined for another one. */
export function routeProgram(architecture: string): Buffer | undefined {
  const arch = CODE[architecture === 'arm64' ? 'aarch64' : architecture === 'amd64' ? 'x86_64' : architecture];
  if (!arch) return undefined;
  const size = CODE_OFFSET + arch.code.length;
  const elf = Buffer.alloc(size);
  // ELF header: 64-bit, little-endian, version 1, System V.
  elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
  elf.writeUInt16LE(2, 16); // executable
  elf.writeUInt16LE(arch.machine, 18);
  elf.writeUInt32LE(1, 20);
  elf.writeBigUInt64LE(BigInt(BASE + CODE_OFFSET), 24); // entry
  elf.writeBigUInt64LE(64n, 32); // program headers right after this header
  elf.writeUInt16LE(64, 52);
  elf.writeUInt16LE(56, 54);
  elf.writeUInt16LE(1, 56);
  // One loadable segment, read and execute: the whole file.
  const ph = 64;
  elf.writeUInt32LE(1, ph);
  elf.writeUInt32LE(5, ph + 4);
  elf.writeBigUInt64LE(0n, ph + 8);
  elf.writeBigUInt64LE(BigInt(BASE), ph + 16);
  elf.writeBigUInt64LE(BigInt(BASE), ph + 24);
  elf.writeBigUInt64LE(BigInt(size), ph + 32);
  elf.writeBigUInt64LE(BigInt(size), ph + 40);
  elf.writeBigUInt64LE(0x1000n, ph + 48);
  elf.set(arch.code, CODE_OFFSET);
  return elf;
}
