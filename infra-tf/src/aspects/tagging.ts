/**
 * Cross-cutting tags (Project, Environment, ManagedBy, plus the config's extra tags) on every
 * taggable resource. As in hashicorp/terraform-cdk/examples/typescript/documentation/aspect-tagging.ts.
 */
import type { IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';

type Taggable = IConstruct & { tags?: Record<string, string>; tagsInput?: Record<string, string> };

function isTaggable(node: IConstruct): node is Taggable {
  return 'tags' in node && 'tagsInput' in node;
}

export class TagsAddingAspect implements IAspect {
  constructor(private readonly tags: Record<string, string>) {}

  visit(node: IConstruct): void {
    if (isTaggable(node)) {
      node.tags = { ...this.tags, ...node.tagsInput };
    }
  }
}
