/**
 * VPC over `azCount` zones: public subnets for the ALB (and, by default, the instances, which
 * accept nothing inbound); with `instanceSubnets: 'private'`, private subnets behind one NAT gateway.
 */
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones/index.js';
import { Eip } from '@cdktf/provider-aws/lib/eip/index.js';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway/index.js';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway/index.js';
import { Route } from '@cdktf/provider-aws/lib/route/index.js';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table/index.js';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association/index.js';
import { Subnet } from '@cdktf/provider-aws/lib/subnet/index.js';
import { Vpc } from '@cdktf/provider-aws/lib/vpc/index.js';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import type { InstanceSubnets } from '../config/index.ts';

export interface NetworkProps {
  readonly namePrefix: string;
  readonly vpcCidr: string;
  /** @default 2 */
  readonly azCount: number;
  /** @default 'public' */
  readonly instanceSubnets: InstanceSubnets;
}

export class Network extends Construct {
  public readonly vpc: Vpc;
  public readonly publicSubnets: Subnet[];
  public readonly privateSubnets: Subnet[];
  /** Subnets of the EC2 instances and the task ENIs. */
  public readonly instanceSubnets: Subnet[];
  public readonly natGateway: NatGateway | undefined;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    if (props.azCount < 2)
      throw new Error(`Network ${id}: azCount must be >= 2 (ALB needs two zones), got ${props.azCount}`);
    const zones = new DataAwsAvailabilityZones(this, 'zones', { state: 'available' });
    this.vpc = this.createVpc(props);
    const igw = new InternetGateway(this, 'igw', {
      vpcId: this.vpc.id,
      tags: { Name: `${props.namePrefix}-igw` },
    });
    this.publicSubnets = this.createSubnets(props, zones, 'public', 0);
    this.createPublicRoutes(props, igw);
    if (props.instanceSubnets === 'private') {
      this.privateSubnets = this.createSubnets(props, zones, 'private', 8);
      this.natGateway = this.createNat(props, igw);
      this.createPrivateRoutes(props, this.natGateway);
      this.instanceSubnets = this.privateSubnets;
    } else {
      this.privateSubnets = [];
      this.natGateway = undefined;
      this.instanceSubnets = this.publicSubnets;
    }
  }

  private createVpc(props: NetworkProps): Vpc {
    return new Vpc(this, 'vpc', {
      cidrBlock: props.vpcCidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: `${props.namePrefix}-vpc` },
    });
  }

  /** Subnets carved as /(prefix+4) blocks: public ones from index 0, private ones from index 8. */
  private createSubnets(
    props: NetworkProps,
    zones: DataAwsAvailabilityZones,
    tier: 'public' | 'private',
    offset: number,
  ): Subnet[] {
    return Array.from(
      { length: props.azCount },
      (_, i) =>
        new Subnet(this, `${tier}-${i}`, {
          vpcId: this.vpc.id,
          availabilityZone: Fn.element(zones.names, i),
          cidrBlock: Fn.cidrsubnet(props.vpcCidr, 4, offset + i),
          // Instances in public subnets need a public IP to reach ECR/ECS (no NAT); nothing can reach
          // them: their security group has no ingress rule.
          mapPublicIpOnLaunch: tier === 'public',
          tags: { Name: `${props.namePrefix}-${tier}-${i}`, Tier: tier },
        }),
    );
  }

  private createPublicRoutes(props: NetworkProps, igw: InternetGateway): void {
    const table = new RouteTable(this, 'public-rt', {
      vpcId: this.vpc.id,
      tags: { Name: `${props.namePrefix}-public` },
    });
    new Route(this, 'public-default', {
      routeTableId: table.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: igw.id,
    });
    this.publicSubnets.forEach((subnet, i) => {
      new RouteTableAssociation(this, `public-rta-${i}`, { subnetId: subnet.id, routeTableId: table.id });
    });
  }

  private createNat(props: NetworkProps, igw: InternetGateway): NatGateway {
    const eip = new Eip(this, 'nat-eip', { domain: 'vpc', tags: { Name: `${props.namePrefix}-nat` } });
    return new NatGateway(this, 'nat', {
      allocationId: eip.allocationId,
      subnetId: this.publicSubnets[0]!.id,
      tags: { Name: `${props.namePrefix}-nat` },
      dependsOn: [igw],
    });
  }

  private createPrivateRoutes(props: NetworkProps, nat: NatGateway): void {
    const table = new RouteTable(this, 'private-rt', {
      vpcId: this.vpc.id,
      tags: { Name: `${props.namePrefix}-private` },
    });
    new Route(this, 'private-default', {
      routeTableId: table.id,
      destinationCidrBlock: '0.0.0.0/0',
      natGatewayId: nat.id,
    });
    this.privateSubnets.forEach((subnet, i) => {
      new RouteTableAssociation(this, `private-rta-${i}`, { subnetId: subnet.id, routeTableId: table.id });
    });
  }
}
