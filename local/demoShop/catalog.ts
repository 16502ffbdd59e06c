/**
 * The shop's one product: the example order of Iamport's guide, whose code the product page runs
 * unmodified (it sends `name: '주문명:결제테스트'`, `amount: 14000`). The price lives here, on the
 * server: the browser only says which order it is paying for, and the back end registers the amount.
 */
export const product = {
  id: 'guide-example',
  title: '아임포트 가이드 예제 상품',
  titleEn: 'The example item of Iamport’s guide',
  orderName: '주문명:결제테스트',
  amount: 14_000,
  currency: 'KRW',
} as const;
