/**
 * Cross-cutting tags (Project, Environment, ManagedBy, plus the config's extra tags) on every
 * taggable resource. As in hashicorp/terraform-cdk/examples/typescript/documentation/aspect-tagging.ts.
 * Auto Scaling groups take `tag` blocks instead of a `tags` map; those are propagated to instances.
 */
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group/index.js';
import type { IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';

type Taggable = IConstruct & { tags?: Record<string, string>; tagsInput?: Record<string, string> };

function isTaggable(node: IConstruct): node is Taggable {
  return 'tags' in node && 'tagsInput' in node;
}

export class TagsAddingAspect implements IAspect {
  constructor(private readonly tags: Record<string, string>) {}

  visit(node: IConstruct): void {
    if (node instanceof AutoscalingGroup) {
      this.tagAutoScalingGroup(node);
    } else if (isTaggable(node)) {
      node.tags = { ...this.tags, ...node.tagsInput };
    }
  }

  private tagAutoScalingGroup(group: AutoscalingGroup): void {
    const existing = Array.isArray(group.tagInput) ? group.tagInput : [];
    const keys = new Set(existing.map((t) => t.key));
    const added = Object.entries(this.tags)
      .filter(([key]) => !keys.has(key))
      .map(([key, value]) => ({ key, value, propagateAtLaunch: true }));
    if (added.length > 0) group.putTag([...existing, ...added]);
  }
}
