/**
 * Synth-time checks every stack must pass: no security-group ingress from the whole internet to
 * SSH/RDP, no ingress from anywhere except to the ALB's listener ports. A violation throws, so a
 * stack that opens SSH to the world cannot even be written.
 */
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group/index.js';
import { SecurityGroupRule } from '@cdktf/provider-aws/lib/security-group-rule/index.js';
import type { IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';

const ADMIN_PORTS = [22, 3389];
const WORLD = ['0.0.0.0/0', '::/0'];

export class SecurityChecksAspect implements IAspect {
  /** Ports that may be open to client CIDRs (the ALB listeners). */
  constructor(private readonly publicPorts: number[] = [80, 443]) {}

  visit(node: IConstruct): void {
    if (node instanceof SecurityGroupRule && node.typeInput === 'ingress') {
      this.checkIngress(
        node.node.path,
        node.fromPortInput,
        node.toPortInput,
        node.protocolInput,
        node.cidrBlocksInput ?? [],
      );
    }
    if (node instanceof SecurityGroup) {
      for (const rule of this.inlineIngress(node)) {
        this.checkIngress(node.node.path, rule.fromPort, rule.toPort, rule.protocol, rule.cidrBlocks ?? []);
      }
    }
  }

  private inlineIngress(
    node: SecurityGroup,
  ): { fromPort?: number; toPort?: number; protocol?: string; cidrBlocks?: string[] }[] {
    const ingress = node.ingressInput;
    return Array.isArray(ingress) ? ingress : [];
  }

  private checkIngress(
    path: string,
    fromPort: number | undefined,
    toPort: number | undefined,
    protocol: string | undefined,
    cidrs: string[],
  ): void {
    if (cidrs.length === 0) return;
    const from = fromPort ?? 0;
    const to = toPort ?? 65535;
    const allPorts = protocol === '-1' || protocol === 'all';
    for (const port of ADMIN_PORTS) {
      if (cidrs.some((c) => WORLD.includes(c)) && (allPorts || (from <= port && port <= to))) {
        throw new Error(
          `security check: ${path} opens port ${port} to ${cidrs.join(', ')}; use SSM Session Manager instead`,
        );
      }
    }
    if (allPorts || from !== to || !this.publicPorts.includes(from)) {
      throw new Error(
        `security check: ${path} allows CIDR ingress on ${allPorts ? 'all ports' : `${from}-${to}`}; only ${this.publicPorts.join('/')} may take client CIDRs`,
      );
    }
  }
}
