import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { Message } from '../../../lib/core/decorators/message.decorator';
import { jsonSchemaOf } from '../../../lib/core/metadata/json-schema';
import { messageDefinitionOf } from '../../../lib/core/metadata/message-metadata';

enum Side {
  Buy = 'buy',
  Sell = 'sell',
}
enum Level {
  Low,
  High,
}

class OrderLine {
  @IsString() @IsNotEmpty() sku!: string;
  @IsInt() @Min(1) qty!: number;
}

@Message('PlaceBasket')
class PlaceBasket {
  @IsInt() @Min(1) @Max(10) priority!: number;
  @IsNumber() price!: number;
  @IsString() @Length(2, 8) account!: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) note?: string;
  @IsBoolean() urgent!: boolean;
  @IsIn(['eu', 'us']) region!: string;
  @IsEnum(Side) side!: Side;
  @IsEnum(Level) level!: Level;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => OrderLine)
  lines!: OrderLine[];
  @ValidateNested() @Type(() => OrderLine) featured!: OrderLine;
  @IsString({ each: true }) tags!: string[];
  @Allow() meta?: unknown;
}

@Message('TreeNode')
class TreeNode {
  @IsString() label!: string;
  @IsOptional() @ValidateNested() @Type(() => TreeNode) child?: TreeNode;
}

describe('jsonSchemaOf', () => {
  it('derives a JSON Schema from class-validator decorators', () => {
    const line = {
      type: 'object',
      properties: { sku: { type: 'string', minLength: 1 }, qty: { type: 'integer', minimum: 1 } },
      required: ['sku', 'qty'],
    };
    expect(jsonSchemaOf(messageDefinitionOf(PlaceBasket)!)).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'PlaceBasket',
      type: 'object',
      properties: {
        priority: { type: 'integer', minimum: 1, maximum: 10 },
        price: { type: 'number' },
        account: { type: 'string', minLength: 2, maxLength: 8 },
        note: { type: 'string', minLength: 1, maxLength: 200 },
        urgent: { type: 'boolean' },
        region: { type: 'string', enum: ['eu', 'us'] },
        side: { type: 'string', enum: ['buy', 'sell'] },
        level: { type: 'number', enum: [0, 1] },
        lines: { type: 'array', minItems: 1, maxItems: 5, items: line },
        featured: line,
        tags: { type: 'array', items: { type: 'string' } },
        meta: {},
      },
      required: ['priority', 'price', 'account', 'urgent', 'region', 'side', 'level', 'lines', 'featured', 'tags'],
    });
  });

  it('stops at a class nested in itself', () => {
    const schema = jsonSchemaOf(messageDefinitionOf(TreeNode)!);
    expect(schema.properties).toEqual({ label: { type: 'string' }, child: { type: 'object' } });
    expect(schema.required).toEqual(['label']);
  });
});
