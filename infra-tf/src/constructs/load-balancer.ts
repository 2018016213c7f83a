/**
 * Internet-facing ALB with its own security group (80/443 from the allowed CIDRs only), an HTTP
 * listener, and with a certificate an HTTPS listener plus an HTTP->HTTPS redirect. Target groups and
 * path rules are added per service by `addService()` from the catalogue.
 */
import { Lb } from '@cdktf/provider-aws/lib/lb/index.js';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener/index.js';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule/index.js';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group/index.js';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group/index.js';
import { SecurityGroupRule } from '@cdktf/provider-aws/lib/security-group-rule/index.js';
import { albPathPatterns, type ServiceDefinition } from '@mlip/catalogue';
import { Construct } from 'constructs';

export interface LoadBalancerProps {
  readonly namePrefix: string;
  readonly vpcId: string;
  readonly subnetIds: string[];
  /** Client CIDRs allowed on 80/443. */
  readonly allowedCidrs: readonly string[];
  /** @default null (HTTP only) */
  readonly certificateArn: string | null;
  /** @default 60 */
  readonly idleTimeoutSeconds: number;
  /** @default 30 */
  readonly deregistrationDelaySeconds: number;
  /** The service behind the default action (the catalogue's prefix-less service). */
  readonly defaultService: ServiceDefinition;
}

export class LoadBalancer extends Construct {
  public readonly securityGroup: SecurityGroup;
  public readonly alb: Lb;
  public readonly httpListener: LbListener;
  public readonly httpsListener: LbListener | undefined;
  /** The listener that forwards (HTTPS with a certificate, else HTTP). */
  public readonly servingListener: LbListener;
  public readonly targetGroups = new Map<string, LbTargetGroup>();
  public readonly listenerRules = new Map<string, LbListenerRule>();
  public readonly scheme: 'http' | 'https';
  private readonly props: LoadBalancerProps;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    if (props.defaultService.pathPrefix !== null) {
      throw new Error(
        `LoadBalancer ${id}: defaultService must have no path prefix, got ${props.defaultService.name}`,
      );
    }
    this.props = props;
    this.scheme = props.certificateArn ? 'https' : 'http';
    this.securityGroup = this.createSecurityGroup(props);
    this.alb = this.createAlb(props);
    const defaultTargetGroup = this.createTargetGroup(props.defaultService);
    this.httpListener = this.createHttpListener(props, defaultTargetGroup);
    this.httpsListener = props.certificateArn
      ? this.createHttpsListener(props.certificateArn, defaultTargetGroup)
      : undefined;
    this.servingListener = this.httpsListener ?? this.httpListener;
  }

  /** Target group for a service and, for a prefixed one, its path rule at the catalogue's priority. */
  public addService(service: ServiceDefinition): LbTargetGroup {
    const existing = this.targetGroups.get(service.name);
    if (existing) return existing;
    if (service.pathPrefix === null || service.albRulePriority === null) {
      throw new Error(
        `LoadBalancer: service ${service.name} has no path prefix/priority and is not the default service`,
      );
    }
    const targetGroup = this.createTargetGroup(service);
    const rule = new LbListenerRule(this, `${service.name}-rule`, {
      listenerArn: this.servingListener.arn,
      priority: service.albRulePriority,
      condition: [{ pathPattern: { values: albPathPatterns(service) } }],
      action: [{ type: 'forward', targetGroupArn: targetGroup.arn }],
      tags: { Name: `${this.props.namePrefix}-${service.name}` },
    });
    this.listenerRules.set(service.name, rule);
    return targetGroup;
  }

  public get dnsName(): string {
    return this.alb.dnsName;
  }

  /** Rules are separate resources so each service can add its own egress rule to its task port. */
  private createSecurityGroup(props: LoadBalancerProps): SecurityGroup {
    const group = new SecurityGroup(this, 'alb-sg', {
      name: `${props.namePrefix}-alb`,
      description: 'ALB: HTTP(S) from allowed client CIDRs',
      vpcId: props.vpcId,
      tags: { Name: `${props.namePrefix}-alb` },
    });
    const ports = props.certificateArn ? [80, 443] : [80];
    for (const port of ports) {
      new SecurityGroupRule(this, `alb-ingress-${port}`, {
        type: 'ingress',
        securityGroupId: group.id,
        description: `clients on ${port}`,
        protocol: 'tcp',
        fromPort: port,
        toPort: port,
        cidrBlocks: [...props.allowedCidrs],
      });
    }
    return group;
  }

  private createAlb(props: LoadBalancerProps): Lb {
    return new Lb(this, 'alb', {
      name: props.namePrefix,
      loadBalancerType: 'application',
      internal: false,
      securityGroups: [this.securityGroup.id],
      subnets: props.subnetIds,
      idleTimeout: props.idleTimeoutSeconds,
      dropInvalidHeaderFields: true,
      tags: { Name: props.namePrefix },
    });
  }

  private createTargetGroup(service: ServiceDefinition): LbTargetGroup {
    const targetGroup = new LbTargetGroup(this, `${service.name}-tg`, {
      name: `${this.props.namePrefix}-${service.name}`,
      // awsvpc tasks register their own ENI address on the container port (no host ports).
      targetType: 'ip',
      port: service.port,
      protocol: 'HTTP',
      vpcId: this.props.vpcId,
      // Draining before ECS sends SIGTERM: in-flight requests finish; the service then has its own
      // 25 s shutdown deadline inside the 30 s stop timeout.
      deregistrationDelay: String(this.props.deregistrationDelaySeconds),
      healthCheck: {
        enabled: true,
        path: service.healthPath,
        matcher: '200',
        protocol: 'HTTP',
        port: 'traffic-port',
        interval: 15,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
      tags: { Name: `${this.props.namePrefix}-${service.name}`, Service: service.name },
    });
    this.targetGroups.set(service.name, targetGroup);
    return targetGroup;
  }

  private createHttpListener(props: LoadBalancerProps, defaultTargetGroup: LbTargetGroup): LbListener {
    return new LbListener(this, 'http', {
      loadBalancerArn: this.alb.arn,
      port: 80,
      protocol: 'HTTP',
      defaultAction: props.certificateArn
        ? [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }]
        : [{ type: 'forward', targetGroupArn: defaultTargetGroup.arn }],
    });
  }

  private createHttpsListener(certificateArn: string, defaultTargetGroup: LbTargetGroup): LbListener {
    return new LbListener(this, 'https', {
      loadBalancerArn: this.alb.arn,
      port: 443,
      protocol: 'HTTPS',
      sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      certificateArn,
      defaultAction: [{ type: 'forward', targetGroupArn: defaultTargetGroup.arn }],
    });
  }
}
