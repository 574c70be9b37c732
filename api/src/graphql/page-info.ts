import { Field, ObjectType } from 'type-graphql';

@ObjectType('PageInfo', { description: 'Cursor paging state.' })
export class PageInfoType {
  @Field(() => Boolean, { description: 'Whether another page follows.' }) hasNextPage!: boolean;
  @Field(() => String, { nullable: true, description: 'Pass as `after` to read the next page.' }) endCursor!: string | null;
}
